package org.hostctl.client;

import java.time.Instant;

/**
 * The filters of {@code GET /v1/mail/log}; null leaves a filter out.
 *
 * @param from sender address or domain
 * @param to recipient address or domain
 * @param since arrival at or after
 * @param until arrival before
 * @param status sent, deferred, bounced, rejected or expired
 * @param messageId Message-ID
 * @param queueId Postfix queue ID
 * @param direction in or out
 * @param limit page size
 * @param cursor the previous page's {@code nextCursor}
 */
public record MailLogQuery(String from, String to, Instant since, Instant until, String status, String messageId,
        String queueId, String direction, Integer limit, String cursor) {
    /** The same query for the page after {@code nextCursor}. */
    public MailLogQuery after(String nextCursor) {
        return new MailLogQuery(from, to, since, until, status, messageId, queueId, direction, limit, nextCursor);
    }

    /** The same query from {@code newSince} on. */
    public MailLogQuery since(Instant newSince) {
        return new MailLogQuery(from, to, newSince, until, status, messageId, queueId, direction, limit, null);
    }
}
