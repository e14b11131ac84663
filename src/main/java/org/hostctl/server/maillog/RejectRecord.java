package org.hostctl.server.maillog;

import java.time.Instant;

/**
 * A message refused at SMTP time, never queued ({@code NOQUEUE: reject:} or a cleanup/milter reject).
 *
 * @param key stable identity, e.g. host, time and position in the log
 * @param at when it was logged
 * @param host the logging host
 * @param client {@code host[ip]} of the client
 * @param from the claimed sender
 * @param to the refused recipient
 * @param saslUser the authenticated user of that smtpd session, when one is known
 * @param code the SMTP reply code and status, e.g. {@code 550 5.1.1}
 * @param response the reason as logged
 */
public record RejectRecord(String key, Instant at, String host, String client, String from, String to,
        String saslUser, String code, String response) {}
