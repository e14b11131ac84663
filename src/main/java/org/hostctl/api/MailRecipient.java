package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * One recipient of a message with its current state.
 *
 * @param address the recipient
 * @param origTo the address before alias expansion, may be null
 * @param status {@code pending}, {@code deferred}, {@code sent}, {@code bounced}, {@code expired} or
 *     {@code rejected}
 * @param dsn the last enhanced status code (for a reject: the SMTP code, e.g. {@code 550 5.1.1})
 * @param relay the last relay tried
 * @param response the last answer or reason, as logged
 * @param lastAttemptAt when it was last tried
 * @param attempts every attempt, oldest first (detail only)
 */
public record MailRecipient(String address, String origTo, String status, String dsn, String relay,
        String response, Instant lastAttemptAt, List<MailAttempt> attempts) {}
