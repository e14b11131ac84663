package org.hostctl.server.service;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.hostctl.server.auth.TokenSecrets;
import org.hostctl.server.store.AccountRepository;
import org.hostctl.server.store.TokenRepository;
import org.hostctl.server.store.TokenRow;

/** API tokens: issued once, stored only as a SHA-256 hash, checked on every request. */
public final class TokenService {
    private final TokenRepository tokens;
    private final AccountRepository accounts;
    private final TokenSecrets secrets;
    private final Clock clock;

    public TokenService(TokenRepository tokens, AccountRepository accounts, TokenSecrets secrets, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** A new token for {@code account}: the secret is in the result and nowhere else. */
    public Issued issue(String account, boolean readOnly, String description) {
        if (accounts.find(account).isEmpty()) {
            throw ServiceException.notFound("no account " + account);
        }
        TokenSecrets.NewToken t = secrets.generate();
        TokenRow row = tokens.create(t.id(), account, t.sha256Hex(), readOnly, description, clock.instant());
        return new Issued(row, t.secret());
    }

    /** The principal a presented secret stands for, if it is a valid token. */
    public Optional<Principal> authenticate(String secret) {
        if (!secrets.looksLikeSecret(secret)) {
            return Optional.empty();
        }
        Optional<TokenRow> row = tokens.findBySecretHash(secrets.sha256Hex(secret));
        row.ifPresent(r -> tokens.touch(r, clock.instant()));
        return row.map(r -> new Principal(r.account(), r.id(), r.readOnly()));
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
