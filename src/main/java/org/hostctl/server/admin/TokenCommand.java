package org.hostctl.server.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.auth.TokenExpiry;
import org.hostctl.server.service.TokenService;
import org.hostctl.server.store.TokenRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd token}: API tokens of accounts. */
@Command(name = "token", description = "Issue, list and revoke API tokens.")
public final class TokenCommand {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    /**
     * The JSON shape of a token (the secret only when just issued); {@code expiresAt} null (left out) when it never
     * expires.
     */
    record TokenView(String id, String account, boolean readOnly, String description, String createdAt,
            String lastUsedAt, String expiresAt, boolean expired, String token) {
        static TokenView of(TokenRow r, Instant now, String secret) {
            return new TokenView(r.id(), r.account(), r.readOnly(), r.description(), r.createdAt().toString(),
                    r.lastUsedAt() == null ? null : r.lastUsedAt().toString(),
                    r.expiresAt() == null ? null : r.expiresAt().toString(), r.expired(now), secret);
        }
    }

    @Command(name = "add", sortOptions = false,
            description = "Issue a token for an account; prints it once on stdout. Only its hash is stored.",
            footer = {"", "Without --expires the token expires after auth.tokenExpiry of hostd.yaml (365 days unless"
                    + " set). An expired token is refused like a revoked one.",
                "", "Examples:", "  hostd token add alice > alice.token",
                "  hostd token add alice --read-only --description monitoring --expires 90d",
                "  hostd token add alice --expires 2027-03-01",
                "  hostd token add alice | hostctl auth login --api-url http://127.0.0.1:8640"})
    int add(@Parameters(paramLabel = "ACCOUNT") String account,
            @Option(names = "--read-only", description = "The token may only read; every write gets 403.")
            boolean readOnly,
            @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
            String description,
            @Option(names = "--expires", paramLabel = "WHEN", converter = ExpiryConverter.class,
                    description = "When the token stops working: after days or hours (90d, 12h), on a date"
                            + " (2027-03-01, at 00:00 UTC), at an instant (2027-03-01T12:00:00Z), or never.")
            TokenExpiry expires) {
        try (Hostd hostd = root.open()) {
            TokenService.Issued t = hostd.tokens().issue(account, readOnly, description, expires);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), TokenView.of(t.row(), t.row().createdAt(), t.secret()));
            } else {
                spec.commandLine().getOut().println(t.secret());
                spec.commandLine().getOut().flush();
                Instant until = t.row().expiresAt();
                spec.commandLine().getErr().println("Issued " + (readOnly ? "read-only" : "read-write") + " token "
                        + t.row().id() + " for account " + account + ", "
                        + (until == null ? "never expiring" : "valid until " + until) + "; it is shown only now");
            }
        }
        return 0;
    }

    /** Reads {@code --expires}; a bad value is a usage error (exit 2) naming the option. */
    static final class ExpiryConverter implements CommandLine.ITypeConverter<TokenExpiry> {
        @Override
        public TokenExpiry convert(String value) {
            try {
                return TokenExpiry.parse(value, true);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "List an account's tokens (never their secrets).")
    int list(@Parameters(paramLabel = "ACCOUNT") String account) {
        try (Hostd hostd = root.open()) {
            hostd.accounts().show(account);
            List<TokenRow> rows = hostd.tokens().list(account);
            Instant now = Clock.systemUTC().instant();
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), rows.stream().map(r -> TokenView.of(r, now, null))
                        .toList());
            } else {
                AdminOutput.table(spec.commandLine().getOut(), rows,
                        List.of("ID", "ACCESS", "CREATED", "EXPIRES", "LAST USED", "DESCRIPTION"), TokenRow::id,
                        r -> r.readOnly() ? "read-only" : "read-write", r -> r.createdAt().toString(),
                        r -> r.expiresAt() == null ? "never" : r.expiresAt() + (r.expired(now) ? " (expired)" : ""),
                        r -> r.lastUsedAt() == null ? "" : r.lastUsedAt().toString(), TokenRow::description);
            }
        }
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a token by its id.")
    int revoke(@Parameters(paramLabel = "ID") String id) {
        try (Hostd hostd = root.open()) {
            hostd.tokens().revoke(id);
            spec.commandLine().getErr().println("Revoked token " + id);
        }
        return 0;
    }
}
