package org.hostctl.server.maillog;

import java.time.Instant;
import java.util.List;

/**
 * A message as the log tells it, correlated by queue ID (../shared/reference/postfix-logs.md §5).
 *
 * @param key stable identity: log host, first queue ID and arrival time, e.g. {@code mx1/4BC2D1F2A3/2026-11-28T10:00:00Z}
 * @param host the logging host
 * @param queueIds the queue IDs of the message, in order (requeue and local hops extend it)
 * @param messageId the {@code message-id=} value, may be null
 * @param sender the envelope sender from qmgr ({@code from=}; empty for bounces)
 * @param saslUser {@code sasl_username=} of the submitting client, may be null
 * @param uid local submitter from pickup ({@code uid=}), may be null
 * @param client {@code client=} of smtpd, e.g. {@code host[192.0.2.1]}, may be null
 * @param size message size in bytes from qmgr, may be null
 * @param nrcpt number of recipients from qmgr, may be null
 * @param receivedAt first line of the message
 * @param removedAt qmgr {@code removed}, null while in the queue
 * @param parentKey for a bounce or delay notification: the key of the message it reports on, else null
 * @param notificationKind with {@code parentKey}: {@code bounce}, {@code delay}, {@code success} or {@code expired}
 * @param recipients the recipients, in the order they first appear
 */
public record MessageRecord(String key, String host, List<String> queueIds, String messageId, String sender,
        String saslUser, String uid, String client, Long size, Integer nrcpt, Instant receivedAt, Instant removedAt,
        String parentKey, String notificationKind, List<RecipientRecord> recipients) {}
