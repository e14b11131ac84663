package org.hostctl.api;

import java.time.Instant;

/**
 * The state of one of the account's services as hostd's probes last saw it.
 *
 * @param domain the account's domain the service belongs to (A-labels, lower case); null for a service of the
 *     whole account (the send log, hostd's store)
 * @param service what works or not: {@code imap}, {@code lmtp} (delivery into mailboxes), {@code managesieve}
 *     (mail filters), {@code web} (a document root URL), {@code sendlog} (reading the Postfix log),
 *     {@code store} (hostd's database)
 * @param backend where it runs: a mail backend's name, a web host, {@code postfix} or {@code hostd}
 * @param state {@code ok}, {@code degraded} (answers, but slowly or in part), {@code down}, or {@code unknown}
 *     (not probed yet since hostd started)
 * @param since when the service entered this state
 * @param detail what the last probe saw, e.g. {@code connection refused} or {@code greeting in 12 ms}
 * @param checkedAt when the last probe ran; null before the first one
 */
public record ServiceState(String domain, String service, String backend, String state, Instant since,
        String detail, Instant checkedAt) {}
