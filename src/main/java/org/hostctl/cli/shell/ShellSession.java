package org.hostctl.cli.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hostctl.cli.Cli;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.GlobalOptions;
import org.hostctl.cli.cmd.HostctlCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.client.HostApi;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs the command lines of one {@code hostctl shell}: each through a fresh command tree ({@link Cli#forArgs}),
 * the same parser and exception handler as a one-shot hostctl, so the exit codes and messages are the same
 * and no option of one line leaks into the next. What the process already has stays: the loaded classes, the
 * JSON mapper, and one API client (with its connection pool) per API URL and token.
 *
 * <p>The global options given to {@code hostctl shell} are the defaults of every line, which may override them.
 * The commands' stdin is not theirs to read: it is the shell's script, or the terminal.
 */
public final class ShellSession {
    /** Why a line may not read stdin, and what works instead. */
    static final String NO_STDIN = "stdin is hostctl shell's own input: give a file instead"
            + " (for a password: --password-file FILE or --generate)";

    private final CliContext context;
    private final GlobalOptions globals;

    /** The outcome of one line: its exit code, and whether its stdout is JSON ({@code -o json} or {@code --jq}). */
    public record Outcome(int exitCode, boolean json) {}

    /**
     * @param shell the context of the {@code hostctl shell} command
     * @param globals the global options given to it
     * @param interactive whether commands may prompt (a terminal)
     * @param secretPrompt no-echo prompt for the commands, or one answering null
     * @param linePrompt line prompt for the commands, or one answering null
     */
    public ShellSession(CliContext shell, GlobalOptions globals, boolean interactive,
            Function<String, char[]> secretPrompt, Function<String, String> linePrompt) {
        this.globals = globals;
        Map<List<String>, HostApi> clients = new ConcurrentHashMap<>();
        CliContext.ApiFactory factory = shell.apiFactory();
        this.context = shell.forShell(new RefusedStdin(), interactive, secretPrompt, linePrompt,
                (url, token, trace) -> trace != null ? factory.create(url, token, trace)
                        : clients.computeIfAbsent(java.util.Arrays.asList(url, token),
                                k -> factory.create(url, token, null)));
    }

    /** Runs one command line, already split into words, printing to {@code out} and {@code err}. */
    public Outcome run(List<String> words, PrintWriter out, PrintWriter err) {
        for (String w : words) {
            if (w.equals("--password-stdin") || w.startsWith("--password-stdin=")) {
                return refuse(err, "--password-stdin does not work inside hostctl shell: its stdin is the"
                        + " shell's input; use --password-file FILE or --generate");
            }
        }
        String[] args = words.toArray(String[]::new);
        CommandLine cmd = Cli.forArgs(context, out, err, args);
        cmd.setDefaultValueProvider(this::globalDefault);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        GlobalOptions g = ((HostctlCommand) cmd.getCommand()).options();
        return new Outcome(code, g.output() == Format.json || g.jq() != null);
    }

    private static Outcome refuse(PrintWriter err, String message) {
        err.println("hostctl: " + message);
        err.flush();
        return new Outcome(ExitCodes.USAGE, false);
    }

    /** The shell's own global options as the defaults of each line's global options. */
    private String globalDefault(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || !(o.inherited() || o.command().parent() == null)) {
            return null;
        }
        GlobalOptions g = globals;
        switch (o.longestName()) {
            case "--profile":
                return g.profile();
            case "--api-url":
                return g.apiUrl();
            case "--output":
                return g.output() == null ? null : g.output().name();
            case "--jq":
                return g.jq();
            case "--no-headers":
                return flag(g.noHeaders());
            case "--no-color":
                return flag(g.noColor());
            case "--verbose":
                return flag(g.verbose());
            case "--yes":
                return flag(g.yes());
            case "--no-input":
                return flag(g.noInput());
            default:
                return null;
        }
    }

    private static String flag(boolean on) {
        return on ? "true" : null;
    }

    /** The commands' stdin: reading it fails with a usage error that says what to do instead. */
    private static final class RefusedStdin extends InputStream {
        @Override
        public int read() throws IOException {
            throw HostctlException.usage(NO_STDIN);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            throw HostctlException.usage(NO_STDIN);
        }
    }
}
