package org.hostctl.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** API tokens. Only the SHA-256 of a secret is stored; lookups go by that hash. */
public final class TokenRepository {
    /** {@link #touch} writes at most this often per token, so authenticated reads rarely write. */
    public static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private static final String COLUMNS = "id, account, read_only, description, created_at, last_used_at, expires_at";

    private final Logger log = LoggerFactory.getLogger(TokenRepository.class);
    private final Database db;

    public TokenRepository(Database db) {
        this.db = db;
    }

    /** Like {@link #create(String, String, String, boolean, String, Instant, Instant)}, never expiring. */
    public TokenRow create(
            String id, String account, String sha256Hex, boolean readOnly, String description, Instant createdAt) {
        return create(id, account, sha256Hex, readOnly, description, createdAt, null);
    }

    /**
     * @param sha256Hex lower-case hex SHA-256 of the secret
     * @param expiresAt when the token stops working (kept to the second), null for never
     * @throws NotFoundException  if there is no such account
     * @throws DuplicateException if the id or the secret is already in use
     */
    public TokenRow create(String id, String account, String sha256Hex, boolean readOnly, String description,
            Instant createdAt, Instant expiresAt) {
        Instant created = Timestamps.truncate(createdAt);
        Instant expires = expiresAt == null ? null : Timestamps.truncate(expiresAt);
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_token"
                    + " (id, account, secret_sha256, read_only, description, created_at, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, account);
                ps.setString(3, sha256Hex);
                ps.setInt(4, readOnly ? 1 : 0);
                ps.setString(5, description);
                ps.setString(6, Timestamps.format(created));
                ps.setString(7, expires == null ? null : Timestamps.format(expires));
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    String what = String.valueOf(e.getMessage()).contains("secret_sha256")
                            ? "a token with this secret already exists"
                            : "token '" + id + "' already exists";
                    throw new DuplicateException(what, e);
                }
                if (SqlErrors.isMissingReference(e)) {
                    throw new NotFoundException("account '" + account + "' not found", e);
                }
                throw e;
            }
        });
        return new TokenRow(id, account, readOnly, description, created, null, expires);
    }

    public Optional<TokenRow> find(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM api_token WHERE id = ?", id);
    }

    /** The token whose secret hashes to {@code sha256Hex}, the lookup behind every authenticated request. */
    public Optional<TokenRow> findBySecretHash(String sha256Hex) {
        return queryOne("SELECT " + COLUMNS + " FROM api_token WHERE secret_sha256 = ?", sha256Hex);
    }

    /** The account's tokens, oldest first. */
    public List<TokenRow> listForAccount(String account) {
        List<TokenRow> rows = query("SELECT " + COLUMNS + " FROM api_token WHERE account = ?", account);
        rows.sort(Comparator.comparing(TokenRow::createdAt).thenComparing(TokenRow::id));
        return List.copyOf(rows);
    }

    /** Deletes the token; {@code false} if there was no such token. */
    public boolean revoke(String id) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_token WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate();
            }
        }) > 0;
    }

    /**
     * Records that {@code token} was used at {@code usedAt}. Writes only when the stored time is older than
     * {@link #TOUCH_INTERVAL}, as one auto-commit statement without retry; a failure is logged and otherwise
     * ignored, so it never fails the request that used the token.
     *
     * @return whether the row was updated
     */
    public boolean touch(TokenRow token, Instant usedAt) {
        Instant staleBefore = usedAt.minus(TOUCH_INTERVAL);
        if (token.lastUsedAt() != null && token.lastUsedAt().isAfter(staleBefore)) {
            return false;
        }
        try {
            return db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE api_token SET last_used_at = ?"
                        + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)")) {
                    ps.setString(1, Timestamps.format(usedAt));
                    ps.setString(2, token.id());
                    ps.setString(3, Timestamps.format(staleBefore));
                    return ps.executeUpdate();
                }
            }) > 0;
        } catch (RuntimeException e) {
            log.warn("could not record use of token {}: {}", token.id(), e.getMessage());
            return false;
        }
    }

    private Optional<TokenRow> queryOne(String sql, String value) {
        return query(sql, value).stream().findFirst();
    }

    private List<TokenRow> query(String sql, String value) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, value);
                List<TokenRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new TokenRow(
                                rs.getString("id"),
                                rs.getString("account"),
                                rs.getInt("read_only") != 0,
                                rs.getString("description"),
                                Timestamps.parse(rs.getString("created_at")),
                                Timestamps.parse(rs.getString("last_used_at")),
                                Timestamps.parse(rs.getString("expires_at"))));
                    }
                }
                return rows;
            }
        });
    }
}
