package org.hostctl.client;

import java.time.Instant;
import java.util.List;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailLogStats;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.api.MailMessage;
import org.hostctl.api.Alias;
import org.hostctl.api.Autoreply;
import org.hostctl.api.Domain;
import org.hostctl.api.Mailbox;
import org.hostctl.api.MailboxCreate;
import org.hostctl.api.MailboxCreated;
import org.hostctl.api.Me;
import org.hostctl.api.PasswordChange;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.api.PhpVersion;
import org.hostctl.api.SieveCheckResult;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveScript;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.api.SieveTestResult;

/** hostd's API, one method per endpoint. Errors are {@link ApiException} or {@link UnavailableException}. */
public interface HostApi {
    /** {@code GET /v1/me}. */
    Me me();

    /** {@code GET /v1/php/versions}. */
    List<PhpVersion> phpVersions();

    /** {@code GET /v1/php/settings}: the effective version of each path, with {@code recursive} also of every directory below with its own setting. */
    List<PhpSetting> phpSettings(List<String> paths, boolean recursive);

    /** {@code PUT /v1/php/settings}. */
    PhpChange phpSet(String path, PhpSetRequest request);

    /** {@code DELETE /v1/php/settings}. */
    PhpChange phpUnset(String path, boolean dryRun);

    /** {@code POST /v1/php/verify}. */
    PhpVerification phpVerify(String path);

    /** {@code POST /v1/php/checks}: starts a check of PHP files against a version. */
    org.hostctl.api.PhpCheckJob phpCheckStart(org.hostctl.api.PhpCheckRequest request);

    /** {@code GET /v1/php/checks/{id}}: a check's progress, with the report once done. */
    org.hostctl.api.PhpCheckJob phpCheck(String id);

    /** {@code GET /v1/domains}. */
    List<Domain> domains();

    /** {@code GET /v1/mailboxes}, of one domain when {@code domain} is not null. */
    List<Mailbox> mailboxes(String domain);

    /** {@code POST /v1/mailboxes}. */
    MailboxCreated createMailbox(MailboxCreate request);

    /** {@code GET /v1/mailboxes/{address}}. */
    Mailbox mailbox(String address);

    /** {@code DELETE /v1/mailboxes/{address}}. */
    Mailbox deleteMailbox(String address);

    /** {@code PUT /v1/mailboxes/{address}/password}. */
    MailboxCreated setPassword(String address, PasswordChange request);

    /** {@code PUT /v1/mailboxes/{address}/quota}. */
    Mailbox setQuota(String address, long quotaBytes);

    /** {@code PUT /v1/mailboxes/{address}/name}: null removes the display name. */
    Mailbox setName(String address, String name);

    /** {@code POST /v1/mailboxes/{address}/disable|enable|restore}. */
    Mailbox mailboxAction(String address, String action);

    /** {@code GET /v1/mailboxes/{address}/autoreply}. */
    Autoreply autoreply(String address);

    /** {@code PUT /v1/mailboxes/{address}/autoreply}. */
    Autoreply setAutoreply(String address, Autoreply autoreply);

    /** {@code DELETE /v1/mailboxes/{address}/autoreply}. */
    Autoreply autoreplyOff(String address);

    /** {@code GET /v1/aliases}, of one domain when {@code domain} is not null. */
    List<Alias> aliases(String domain);

    /** {@code POST /v1/aliases/{source}}. */
    Alias addAlias(String source, List<String> destinations);

    /** {@code DELETE /v1/aliases/{source}}: the named destinations, or the whole alias when none are named. */
    void removeAlias(String source, List<String> destinations);

    /** {@code GET /v1/mailboxes/{address}/sieve}: the mailbox's scripts, without their content. */
    List<SieveScript> sieveScripts(String address);

    /** {@code GET /v1/mailboxes/{address}/sieve/{name}}: one script with its content. */
    SieveScript sieveScript(String address, String name);

    /** {@code PUT /v1/mailboxes/{address}/sieve/{name}}: stores (and maybe activates) a script; 422 when it does not compile. */
    SieveScript putSieveScript(String address, String name, SievePut request);

    /** {@code DELETE /v1/mailboxes/{address}/sieve/{name}}; the active script only with {@code deactivate}. */
    void deleteSieveScript(String address, String name, boolean deactivate);

    /** {@code POST /v1/mailboxes/{address}/sieve/{name}/activate}. */
    SieveScript activateSieveScript(String address, String name);

    /** {@code POST /v1/mailboxes/{address}/sieve/{name}/rename}. */
    SieveScript renameSieveScript(String address, String name, String newName);

    /** {@code POST /v1/mailboxes/{address}/sieve-deactivate}: no script is active afterwards. */
    void deactivateSieve(String address);

    /** {@code POST /v1/mailboxes/{address}/sieve-check}: validates without storing; 422 when it does not compile. */
    SieveCheckResult checkSieve(String address, String content);

    /** {@code POST /v1/mailboxes/{address}/sieve-test}: what a script would do with a message. */
    SieveTestResult testSieve(String address, SieveTestRequest request);
    /** {@code GET /v1/mail/log}: one page of the send log, newest first. */
    MailLogPage mailLog(MailLogQuery query);

    /** {@code GET /v1/mail/log/{id}}: one message by id, queue ID or Message-ID, with its whole trail. */
    MailMessage mailLogEntry(String id);

    /** {@code GET /v1/mail/log/stats}; null parameters take the server's defaults. */
    MailLogStats mailLogStats(Instant since, Instant until, String by);

    /** {@code GET /v1/status}: the account's services per domain and the open notices. */
    StatusReport status();

    /** {@code GET /v1/status/history?days=N}: outages and notices of the last {@code days} days (null: 30). */
    StatusHistory statusHistory(Integer days);

    /** Any call, for {@code hostctl api}: the raw response. */
    RawResponse call(String method, String pathAndQuery, byte[] body);

    /** A raw response. */
    record RawResponse(int status, String contentType, byte[] body) {}
}
