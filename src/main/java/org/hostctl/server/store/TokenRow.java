package org.hostctl.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored API token. The secret itself is never stored, only its SHA-256; this record omits even that.
 *
 * @param id          public token id, e.g. {@code tok_k3m9q2xa}
 * @param account     the account the token acts for
 * @param readOnly    whether the token may only read
 * @param description free text from the user, or {@code null}
 * @param createdAt   creation time, second precision
 * @param lastUsedAt  last successful use (updated at most once a minute), or {@code null} if never used
 * @param expiresAt   when the token stops working, second precision, or {@code null} if it never expires
 */
public record TokenRow(String id, String account, boolean readOnly, String description, Instant createdAt,
        Instant lastUsedAt, Instant expiresAt) {
    public TokenRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the token no longer works at {@code now}: it expires at {@link #expiresAt} exactly. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
