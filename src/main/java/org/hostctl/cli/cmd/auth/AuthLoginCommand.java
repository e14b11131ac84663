package org.hostctl.cli.cmd.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hostctl.api.Me;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.config.Config;
import org.hostctl.cli.config.ConfigStore;
import org.hostctl.cli.config.Profile;
import org.hostctl.cli.config.Settings;
import org.hostctl.client.ApiException;
import org.hostctl.client.HostApi;
import org.hostctl.client.HttpHostApi;
import picocli.CommandLine.Command;

/** {@code hostctl auth login}. */
@Command(name = "login", sortOptions = false,
        description = "Store an API token in a profile, after checking it against the API.",
        footer = {"",
            "The token is read from stdin when stdin is not a terminal, else from a prompt that does not echo. It is "
                    + "never taken from the command line. The profile is saved in "
                    + "$XDG_CONFIG_HOME/hostctl/config.json (mode 0600) and becomes the current profile.",
            "",
            "Examples:",
            "  hostctl auth login --api-url https://api.example.net",
            "  hostd token add alice | hostctl auth login --api-url http://127.0.0.1:8640",
            "  hostctl auth login --profile shop --api-url https://api.example.net \\",
            "      < token.txt",
            "",
            "On hostd's local socket (--api-url unix:PATH) no token is read or stored: hostd acts for the account"
                    + " of your Unix user, so login only checks that and saves the URL in the profile.",
            "  hostctl auth login --profile server --api-url unix:/run/hostd/api.sock"})
public final class AuthLoginCommand extends BaseCommand {
    public AuthLoginCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        Settings s = settings();
        boolean socket = s.apiUrl().startsWith(HttpHostApi.UNIX_PREFIX);
        String token = socket ? null : readToken();
        HostApi api = context.apiFactory().create(s.apiUrl(), token, trace());
        Me me;
        try {
            me = api.me();
        } catch (ApiException e) {
            if (e.status() == 401 && !socket) {
                throw new HostctlException(ExitCodes.AUTH, "the token was not accepted by " + s.apiUrl()
                        + "; nothing was saved");
            }
            throw e;
        }
        ConfigStore store = context.configStore();
        Config config = store.load();
        Config updated = config.withProfile(s.profileName(), new Profile(s.apiUrl(), token));
        store.save(new Config(s.profileName(), updated.profiles()));
        String access = me.readOnly() ? "read-only" : "read-write";
        out().info("Logged in to " + s.apiUrl() + " as account " + me.account() + " ("
                + (socket ? access + ", Unix user " + me.unixUser() + ", no token" : access + " token " + me.tokenId())
                + "); profile '" + s.profileName() + "' saved in " + store.file());
        if (context.env().containsKey("HOSTCTL_TOKEN")) {
            out().warn("HOSTCTL_TOKEN is set and takes precedence over the saved profile");
        }
        if (out().format() != org.hostctl.cli.output.Format.table) {
            out().one(me, List.of());
        }
        return ExitCodes.OK;
    }

    private String readToken() throws IOException {
        String token;
        if (context.interactive()) {
            if (global().noInput()) {
                throw HostctlException.usage("--no-input: pipe the token on stdin instead");
            }
            char[] typed = context.promptSecret("Paste your API token (input is hidden): ");
            token = typed == null ? null : new String(typed);
        } else {
            BufferedReader r = new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8));
            token = r.readLine();
        }
        if (token == null || token.isBlank()) {
            throw HostctlException.usage("no token given: pipe it on stdin or type it at the prompt");
        }
        token = token.strip();
        if (token.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw HostctlException.usage("the token contains spaces or control characters");
        }
        return token;
    }
}
