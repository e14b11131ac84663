package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the send log as the caller's account may see it: a message, or a submission refused at SMTP
 * time. Recipients of another account are left out; so are the submitter's details when the caller only
 * receives the message.
 *
 * @param kind {@code message}, or {@code reject} for a refusal at SMTP time (never queued)
 * @param id stable opaque id, for {@code GET /v1/mail/log/{id}}
 * @param direction {@code out} when the caller's account sent it, {@code in} when it only receives it
 * @param status summary over the recipients shown: {@code pending}, {@code deferred}, {@code sent},
 *     {@code bounced}, {@code expired}, or {@code rejected}
 * @param receivedAt when the message arrived, or when it was refused
 * @param queueIds Postfix queue IDs, in order; empty for a reject
 * @param messageId the Message-ID header, may be null
 * @param from the envelope sender (empty for bounces), or the claimed sender of a reject
 * @param saslUser the authenticated submitter, for the sending account only
 * @param client the connecting client, {@code host[ip]}
 * @param sizeBytes size in bytes
 * @param nrcpt number of recipients Postfix counted, for the sending account only
 * @param removedAt when it left the queue
 * @param recipients the recipients the caller may see; a reject has its refused recipient, status
 *     {@code rejected}, the SMTP code as {@code dsn}
 * @param notifications bounce, delay and success notifications about this message (detail only, sender only)
 * @param host the mail host that logged its arrival (or the refusal)
 * @param hops the mail hosts it passed, in order, when it was relayed from one to another (detail only; absent
 *     when it stayed on one host)
 */
public record MailMessage(String kind, String id, String direction, String status, Instant receivedAt,
        List<String> queueIds, String messageId, String from, String saslUser, String client, Long sizeBytes,
        Integer nrcpt, Instant removedAt, List<MailRecipient> recipients, List<MailNotification> notifications,
        String host, List<MailHop> hops) {
    /** Kind of a queued message. */
    public static final String MESSAGE = "message";
    /** Kind of a refusal at SMTP time. */
    public static final String REJECT = "reject";

    /** Whether {@code status} can still change. */
    public static boolean isFinal(String status) {
        return "sent".equals(status) || "bounced".equals(status) || "expired".equals(status)
                || "rejected".equals(status);
    }
}
