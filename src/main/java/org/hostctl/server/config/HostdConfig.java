package org.hostctl.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * hostd's configuration, read from {@code hostd.yaml} in the data directory.
 *
 * @param listen address to listen on, {@code HOST:PORT}
 * @param database JDBC URL of the store; null for the SQLite file in the data directory
 * @param php PHP versions offered and their handlers
 * @param verifyTimeoutSeconds how long {@code php verify} waits for the site
 * @param mail mailboxes
 * @param maillog send logs: which Postfix logs to read, how long to keep what they say
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record HostdConfig(String listen, String database, Php php, Integer verifyTimeoutSeconds, Mail mail,
        MailLog maillog) {

    /** Default listen address. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:8640";

    public HostdConfig {
        listen = listen == null || listen.isBlank() ? DEFAULT_LISTEN : listen;
        php = php == null ? new Php(null, List.of(), List.of()) : php;
        verifyTimeoutSeconds = verifyTimeoutSeconds == null ? 10 : verifyTimeoutSeconds;
        mail = mail == null ? new Mail(null, null, null, null, null) : mail;
        maillog = maillog == null ? new MailLog(null, null) : maillog;
    }

    public Duration verifyTimeout() {
        return Duration.ofSeconds(verifyTimeoutSeconds);
    }

    /**
     * Mail settings.
     *
     * @param root directory holding the maildirs ({@code <root>/<domain>/<local>}); relative to the data directory
     *     when not absolute
     * @param passwordScheme {@code BLF-CRYPT} (default), {@code ARGON2ID} or {@code SHA512-CRYPT}
     * @param retentionDays how long a deleted mailbox can be restored before it is purged
     * @param defaultQuota quota of a new mailbox when none is given, e.g. {@code 2G}; {@code 0} for unlimited
     * @param doveadm command prefix to read usage from Dovecot, e.g. {@code [doveadm, -c, /etc/dovecot/dovecot.conf]};
     *     empty to sum the maildir on disk
     */
    public record Mail(String root, String passwordScheme, Integer retentionDays, String defaultQuota,
            List<String> doveadm) {
        public Mail {
            root = root == null || root.isBlank() ? "vmail" : root;
            passwordScheme = passwordScheme == null ? "BLF-CRYPT" : passwordScheme;
            retentionDays = retentionDays == null ? 30 : retentionDays;
            defaultQuota = defaultQuota == null ? "1G" : defaultQuota;
            doveadm = doveadm == null ? List.of() : List.copyOf(doveadm);
        }
    }

    /**
     * Send log settings.
     *
     * @param files Postfix log files to follow ({@code maillog_file} or syslog text files); relative to the data
     *     directory when not absolute
     * @param retentionDays days a message, a reject and an unparsed line are kept
     */
    public record MailLog(List<String> files, Integer retentionDays) {
        public MailLog {
            files = files == null ? List.of() : List.copyOf(files);
            retentionDays = retentionDays == null ? 30 : retentionDays;
        }
    }

    /**
     * PHP settings.
     *
     * @param defaultVersion version id where no {@code .htaccess} selects one
     * @param versions versions offered, each with its handler
     * @param releases branch dates added to or replacing the built-in table
     */
    public record Php(@JsonProperty("default") String defaultVersion, List<Handler> versions, List<Release> releases) {
        public Php {
            versions = versions == null ? List.of() : List.copyOf(versions);
            releases = releases == null ? List.of() : List.copyOf(releases);
        }
    }

    /**
     * One offered PHP version.
     *
     * @param version what customers type, e.g. {@code 7.4} or {@code 7.4-fpm}
     * @param branch PHP branch for the release table; derived from {@code version} when absent
     * @param type {@code cgi} (AddHandler NAME .php) or {@code fpm} (SetHandler proxy:unix:SOCKET)
     * @param handler Apache handler name, for {@code cgi}
     * @param socket FPM socket path, for {@code fpm}; {@code {account}} is replaced by the account name
     * @param marker value of {@code HOSTD_PHP_HANDLER} that the handler exposes to PHP, if any
     */
    public record Handler(String version, String branch, String type, String handler, String socket, String marker) {}

    /**
     * Dates of a PHP branch.
     *
     * @param branch e.g. {@code 8.2}
     * @param released first release
     * @param activeSupportUntil end of active support
     * @param securitySupportUntil end of security support
     * @param finalRelease last release, when the branch has ended
     */
    public record Release(String branch, LocalDate released, LocalDate activeSupportUntil,
            LocalDate securitySupportUntil, String finalRelease) {}
}
