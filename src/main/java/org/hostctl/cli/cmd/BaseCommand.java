package org.hostctl.cli.cmd;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.config.Settings;
import org.hostctl.cli.output.Output;
import org.hostctl.client.HostApi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of leaf commands: context, global options, output and the API client. */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    protected final CliContext context;
    private Output output;
    private Settings settings;
    private HostApi api;

    protected BaseCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Does the work; returns an exit code or throws. */
    protected abstract int execute() throws Exception;

    protected GlobalOptions global() {
        return ((HostctlCommand) spec.root().userObject()).options();
    }

    protected Output out() {
        if (output == null) {
            GlobalOptions g = global();
            boolean color = context.interactive() && !g.noColor() && !context.env().containsKey("NO_COLOR")
                    && !"dumb".equals(context.env().get("TERM"));
            output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), g.output(),
                    g.noHeaders(), g.jq(), color);
        }
        return output;
    }

    protected Settings settings() {
        if (settings == null) {
            GlobalOptions g = global();
            settings = Settings.resolve(g.profile(), g.apiUrl(), context.env(), context.configStore().load(),
                    context.localSocket());
        }
        return settings;
    }

    /**
     * The API client with the effective token; fails with exit 4 when there is none, except on hostd's local socket,
     * where no token is used.
     */
    protected HostApi api() {
        if (api == null) {
            Settings s = settings();
            if (s.token() == null && !s.localSocket()) {
                throw new HostctlException(ExitCodes.AUTH, "not logged in (profile " + s.profileName()
                        + "); run 'hostctl auth login' or set HOSTCTL_TOKEN, or on the hosting server use its local"
                        + " socket (--api-url unix:" + Settings.LOCAL_SOCKET + ")");
            }
            api = context.apiFactory().create(s.apiUrl(), s.token(), trace());
        }
        return api;
    }

    /** The {@code --verbose} trace writer, or null. */
    protected PrintWriter trace() {
        return global().verbose() ? spec.commandLine().getErr() : null;
    }

    /**
     * Asks before a destructive change: passes with {@code --yes}, asks on a terminal, and otherwise fails with a
     * usage error, so that a script never destroys anything by accident.
     */
    protected void confirm(String action) {
        if (global().yes()) {
            return;
        }
        if (!canPrompt()) {
            throw HostctlException.usage(action + ": add --yes to confirm (stdin is not a terminal)");
        }
        String answer = context.promptLine(action + "? [y/N] ");
        if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            throw new HostctlException(ExitCodes.USAGE, "cancelled; nothing was changed");
        }
    }

    /** Whether hostctl may prompt: a terminal and no {@code --no-input}. */
    protected boolean canPrompt() {
        return context.interactive() && !global().noInput();
    }
}
