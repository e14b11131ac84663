package org.hostctl.cli.cmd.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        footer = {"", "Exits 4 when no token is set or the API does not accept it (an expired token too). Warns"
                + " on stderr when the token expires within 7 days: ask the provider for a new one and log in with it.",
            "",
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
            Column.of("EXPIRES", s -> s.unixUser() != null && s.tokenId() == null ? ""
                    : s.tokenExpiresAt() == null ? "never" : s.tokenExpiresAt().toString()),
            Column.of("TOKEN FROM", AuthStatus::tokenSource),
            Column.of("UNIX USER", AuthStatus::unixUser));

    /** {@code auth status} warns when the token has less than this left. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(7);

    public AuthStatusCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Settings s = settings();
        Me me = api().me();
        Instant expires = me.tokenExpiresAt() == null ? null : me.tokenExpiresAt().truncatedTo(ChronoUnit.SECONDS);
        boolean socket = s.localSocket() && me.unixUser() != null;
        out().one(new AuthStatus(s.profileName(), s.apiUrl(), s.apiUrlSource(), socket ? null : s.tokenSource(),
                me.account(), me.tokenId(), me.readOnly(), me.webspace(), expires, me.unixUser()), COLUMNS);
        if (socket) {
            out().info("local socket, account " + me.account() + " (Unix user " + me.unixUser() + ")"
                    + (me.readOnly() ? ", read-only" : ""));
        }
        Instant now = context.clock().instant();
        if (expires != null && Duration.between(now, expires).compareTo(EXPIRY_WARNING) < 0) {
            out().warn("token " + me.tokenId() + " expires " + expires + ", in "
                    + left(Duration.between(now, expires)) + "; ask your provider for a new one and run auth login");
        }
        return ExitCodes.OK;
    }

    /** {@code 3 d 4 h}, {@code 5 h 10 min}, {@code 12 min}, {@code less than a minute}. */
    static String left(Duration d) {
        long min = Math.max(0, d.toMinutes());
        if (min < 1) {
            return "less than a minute";
        }
        if (min < 60) {
            return min + " min";
        }
        long h = min / 60;
        return h < 24 ? h + " h " + min % 60 + " min" : h / 24 + " d " + h % 24 + " h";
    }
}
