package org.hostctl.server.maillog;

import java.time.Instant;
import java.util.List;

/**
 * One recipient of a message with its attempts.
 *
 * @param address the recipient ({@code to=})
 * @param origTo the address before alias expansion ({@code orig_to=}), null when none
 * @param status the final or current state: {@code sent}, {@code deferred}, {@code bounced}, {@code expired},
 *     or {@code pending} before the first attempt
 * @param dsn the last attempt's status code
 * @param relay the last attempt's relay
 * @param response the last attempt's answer
 * @param lastAttemptAt when the last attempt was logged
 * @param attempts every attempt, oldest first
 */
public record RecipientRecord(String address, String origTo, String status, String dsn, String relay,
        String response, Instant lastAttemptAt, List<AttemptRecord> attempts) {}
