package org.hostctl.cli.cmd.auth;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.config.Config;
import org.hostctl.cli.config.ConfigStore;
import org.hostctl.cli.config.Profile;
import org.hostctl.cli.config.Settings;
import picocli.CommandLine.Command;

/** {@code hostctl auth logout}. */
@Command(name = "logout", sortOptions = false,
        description = "Remove the stored token of a profile (the token stays valid on the server).",
        footer = {"", "Logging out of a profile without a token succeeds and changes nothing.", "",
            "Examples:", "  hostctl auth logout", "  hostctl auth logout --profile shop"})
public final class AuthLogoutCommand extends BaseCommand {
    public AuthLogoutCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Settings s = settings();
        ConfigStore store = context.configStore();
        Config config = store.load();
        Profile p = config.profiles().get(s.profileName());
        if (p == null || p.token() == null) {
            out().info("Profile '" + s.profileName() + "' holds no token; nothing changed");
        } else {
            store.save(config.withProfile(s.profileName(), new Profile(p.apiUrl(), null)));
            out().info("Removed the token of profile '" + s.profileName() + "' from " + store.file());
        }
        if (context.env().containsKey("HOSTCTL_TOKEN")) {
            out().warn("HOSTCTL_TOKEN is still set in the environment");
        }
        return ExitCodes.OK;
    }
}
