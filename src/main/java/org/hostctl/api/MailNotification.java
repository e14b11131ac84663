package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * A notification Postfix generated about a message: an event of that message, never mail of its own.
 *
 * @param kind {@code bounce}, {@code delay}, {@code success} or {@code expired}
 * @param queueIds the notification's queue IDs
 * @param receivedAt when it was generated
 * @param status summary of its own delivery, as for {@link MailMessage#status()}
 * @param recipients where it went, usually the original sender
 */
public record MailNotification(String kind, List<String> queueIds, Instant receivedAt, String status,
        List<MailRecipient> recipients) {}
