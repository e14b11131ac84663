package org.hostctl.api;

import java.time.Instant;

/**
 * One delivery attempt for one recipient.
 *
 * @param at when it was logged
 * @param status {@code sent}, {@code deferred}, {@code bounced} or {@code expired}
 * @param dsn enhanced status code, e.g. {@code 4.4.1}
 * @param relay the relay tried, e.g. {@code mx.example.net[192.0.2.1]:25}
 * @param delay seconds since arrival, as logged
 * @param response the answer or reason, as logged
 * @param host the mail host that logged it
 */
public record MailAttempt(Instant at, String status, String dsn, String relay, String delay, String response,
        String host) {}
