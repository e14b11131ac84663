package org.hostctl.server.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostctl.server.auth.TokenExpiry;
import org.hostctl.server.auth.TokenSecrets;
import org.hostctl.server.store.AccountRepository;
import org.hostctl.server.store.TokenRepository;
import org.hostctl.server.store.TokenRow;

/** API tokens: issued once, stored only as a SHA-256 hash, checked on every request, expiring when set to. */
public final class TokenService {
    private final TokenRepository tokens;
    private final AccountRepository accounts;
    private final TokenSecrets secrets;
    private final TokenExpiry defaultExpiry;
    private final Clock clock;

    /**
     * @param defaultExpiry expiry of a token issued without its own ({@code auth.tokenExpiry})
     */
    public TokenService(TokenRepository tokens, AccountRepository accounts, TokenSecrets secrets,
            TokenExpiry defaultExpiry, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.secrets = secrets;
        this.defaultExpiry = defaultExpiry;
        this.clock = clock;
    }

    /** Like {@link #issue(String, boolean, String, TokenExpiry)} with the configured default expiry. */
    public Issued issue(String account, boolean readOnly, String description) {
        return issue(account, readOnly, description, null);
    }

    /**
     * A new token for {@code account}: the secret is in the result and nowhere else.
     *
     * @param expiry when it stops working; null for the configured default
     */
    public Issued issue(String account, boolean readOnly, String description, TokenExpiry expiry) {
        if (accounts.find(account).isEmpty()) {
            throw ServiceException.notFound("no account " + account);
        }
        Instant now = clock.instant();
        Instant expires = (expiry == null ? defaultExpiry : expiry).resolve(now);
        if (expires != null && !expires.isAfter(now)) {
            throw ServiceException.invalid("the expiry " + expires + " is not in the future");
        }
        TokenSecrets.NewToken t = secrets.generate();
        TokenRow row = tokens.create(t.id(), account, t.sha256Hex(), readOnly, description, now, expires);
        return new Issued(row, t.secret());
    }

    /**
     * The principal a presented secret stands for, if it is a valid token. An expired token is not: it takes the
     * same path as an unknown one (one lookup by hash) and gets the same empty answer, and its use is not recorded.
     */
    public Optional<Principal> authenticate(String secret) {
        if (!secrets.looksLikeSecret(secret)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<TokenRow> row = tokens.findBySecretHash(secrets.sha256Hex(secret)).filter(r -> !r.expired(now));
        row.ifPresent(r -> tokens.touch(r, now));
        return row.map(r -> new Principal(r.account(), r.id(), r.readOnly(), r.expiresAt()));
    }

    public List<TokenRow> list(String account) {
        return tokens.listForAccount(account);
    }

    public void revoke(String id) {
        if (!tokens.revoke(id)) {
            throw ServiceException.notFound("no token " + id);
        }
    }

    /**
     * A token just issued.
     *
     * @param row what is stored
     * @param secret the secret, shown once
     */
    public record Issued(TokenRow row, String secret) {
        @Override
        public String toString() {
            return "Issued[" + row.id() + "]";
        }
    }
}
