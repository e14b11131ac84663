package org.hostctl.api;

import java.time.Instant;

/**
 * A mailbox.
 *
 * @param address the full address, lower-case
 * @param domain its domain
 * @param name display name, may be null
 * @param quotaBytes quota in bytes, 0 for unlimited
 * @param usageBytes bytes in use, null when unknown
 * @param usageSource where the usage comes from: {@code maildir} (hostd no longer answers {@code doveadm}, which
 *     older versions did for active mailboxes), or {@code cyrus} (the quota root of a mailbox on a Cyrus backend)
 * @param state {@code active}, {@code disabled} or {@code deleted}
 * @param createdAt when it was created
 * @param deletedAt when it was deleted, for {@code deleted}
 * @param purgeAfter when a deleted mailbox and its mail are removed for good
 */
public record Mailbox(String address, String domain, String name, long quotaBytes, Long usageBytes,
        String usageSource, String state, Instant createdAt, Instant deletedAt, Instant purgeAfter) {
    /** State: can log in and receive mail. */
    public static final String ACTIVE = "active";
    /** State: cannot log in, mail is refused; nothing is lost. */
    public static final String DISABLED = "disabled";
    /** State: deleted, restorable until {@code purgeAfter}. */
    public static final String DELETED = "deleted";
}
