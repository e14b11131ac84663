package org.hostctl.server.admin;

import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.service.TokenService;
import org.hostctl.server.store.TokenRow;
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

    /** The JSON shape of a token (the secret only when just issued). */
    record TokenView(String id, String account, boolean readOnly, String description, String createdAt,
            String lastUsedAt, String token) {
        static TokenView of(TokenRow r, String secret) {
            return new TokenView(r.id(), r.account(), r.readOnly(), r.description(), r.createdAt().toString(),
                    r.lastUsedAt() == null ? null : r.lastUsedAt().toString(), secret);
        }
    }

    @Command(name = "add", sortOptions = false,
            description = "Issue a token for an account; prints it once on stdout. Only its hash is stored.",
            footer = {"", "Examples:", "  hostd token add alice > alice.token",
                "  hostd token add alice --read-only --description monitoring",
                "  hostd token add alice | hostctl auth login --api-url http://127.0.0.1:8640"})
    int add(@Parameters(paramLabel = "ACCOUNT") String account,
            @Option(names = "--read-only", description = "The token may only read; every write gets 403.")
            boolean readOnly,
            @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
            String description) {
        try (Hostd hostd = root.open()) {
            TokenService.Issued t = hostd.tokens().issue(account, readOnly, description);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), TokenView.of(t.row(), t.secret()));
            } else {
                spec.commandLine().getOut().println(t.secret());
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().println("Issued " + (readOnly ? "read-only" : "read-write") + " token "
                        + t.row().id() + " for account " + account + "; it is shown only now");
            }
        }
        return 0;
    }

    @Command(name = "list", description = "List an account's tokens (never their secrets).")
    int list(@Parameters(paramLabel = "ACCOUNT") String account) {
        try (Hostd hostd = root.open()) {
            hostd.accounts().show(account);
            List<TokenRow> rows = hostd.tokens().list(account);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), rows.stream().map(r -> TokenView.of(r, null)).toList());
            } else {
                AdminOutput.table(spec.commandLine().getOut(), rows,
                        List.of("ID", "ACCESS", "CREATED", "LAST USED", "DESCRIPTION"), TokenRow::id,
                        r -> r.readOnly() ? "read-only" : "read-write", r -> r.createdAt().toString(),
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
