package org.hostctl.server.store;

import java.time.Instant;

/**
 * A row of the {@code mailbox} table (the password hash is never read back into Java).
 *
 * @param email lower-case address
 * @param domain its domain
 * @param quotaBytes quota, 0 for unlimited
 * @param active whether it may log in
 * @param maildir home relative to the mail root
 * @param displayName display name
 * @param createdAt creation time
 * @param deletedAt deletion time, null unless deleted
 */
public record MailboxRow(String email, String domain, long quotaBytes, boolean active, String maildir,
        String displayName, Instant createdAt, Instant deletedAt) {}
