package org.hostctl.server.maillog;

import java.time.Instant;

/**
 * One delivery attempt for one recipient (one delivery-agent log line).
 *
 * @param at when it was logged
 * @param relay {@code relay=} value, e.g. {@code mx.example.net[192.0.2.1]:25} or {@code none}
 * @param delay {@code delay=} seconds as logged
 * @param dsn enhanced status code, e.g. {@code 2.0.0}
 * @param status {@code sent}, {@code deferred}, {@code bounced}, {@code expired}
 * @param response the remote server's answer or Postfix's reason, the text in parentheses
 */
public record AttemptRecord(Instant at, String relay, String delay, String dsn, String status, String response) {}
