package org.hostctl.cli.cmd.auth;

import java.util.List;
import org.hostctl.api.Me;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.config.Settings;
import org.hostctl.cli.output.Column;
import picocli.CommandLine.Command;

/** {@code hostctl auth status}. */
@Command(name = "status", sortOptions = false,
        description = "Show which API, account and token hostctl uses, and check the token.",
        footer = {"", "Exits 4 when no token is set or the API does not accept it.", "",
            "On the hosting server hostctl needs no token: with no API URL and no token set anywhere it uses"
            + " hostd's local socket /run/hostd/api.sock, where your Unix user's account is yours. Then it says"
            + " 'local socket, account shop (Unix user shop)' on stderr.", "",
            "Examples:", "  hostctl auth status", "  hostctl auth status -o json --jq .account"})
public final class AuthStatusCommand extends BaseCommand {
    static final List<Column<AuthStatus>> COLUMNS = List.of(
            Column.of("PROFILE", AuthStatus::profile),
            Column.of("API URL", AuthStatus::apiUrl),
            Column.of("ACCOUNT", AuthStatus::account),
            Column.of("TOKEN", AuthStatus::tokenId),
            Column.of("ACCESS", s -> s.readOnly() ? "read-only" : "read-write"),
            Column.of("TOKEN FROM", AuthStatus::tokenSource),
            Column.of("UNIX USER", AuthStatus::unixUser));

    public AuthStatusCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Settings s = settings();
        Me me = api().me();
        boolean socket = s.localSocket() && me.unixUser() != null;
        out().one(new AuthStatus(s.profileName(), s.apiUrl(), s.apiUrlSource(), socket ? null : s.tokenSource(),
                me.account(), me.tokenId(), me.readOnly(), me.webspace(), me.unixUser()), COLUMNS);
        if (socket) {
            out().info("local socket, account " + me.account() + " (Unix user " + me.unixUser() + ")"
                    + (me.readOnly() ? ", read-only" : ""));
        }
        return ExitCodes.OK;
    }
}
