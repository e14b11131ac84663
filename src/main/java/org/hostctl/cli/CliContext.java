package org.hostctl.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.hostctl.cli.config.ConfigStore;
import org.hostctl.client.HostApi;
import org.hostctl.client.HttpHostApi;

/**
 * What commands need from the outside world: environment, streams, terminal, config directory and the API
 * factory. {@link #system()} is the real one; tests build their own.
 */
public final class CliContext {
    /** Builds the API client for a base URL, a token (may be null) and a trace writer (may be null). */
    @FunctionalInterface
    public interface ApiFactory {
        HostApi create(String baseUrl, String token, PrintWriter trace);
    }

    private final Map<String, String> env;
    private final Path cwd;
    private final InputStream stdin;
    private final boolean interactive;
    private final Function<String, char[]> secretPrompt;
    private final Function<String, String> linePrompt;
    private final ApiFactory apiFactory;
    private ConfigStore configStore;
    private boolean inShell;
    private Boolean stdoutTerminal;

    private Path localSocket = Path.of(System.getProperty("hostctl.localSocket",
            org.hostctl.cli.config.Settings.LOCAL_SOCKET.toString()));
    private Clock clock; // the system clock in the local zone, made when first asked for (reading the zone costs)
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
    private Boolean stderrTerminal;

    /** Waits between polls: {@link Thread#sleep} for real, a clock moved forward in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public CliContext(Map<String, String> env, Path cwd, InputStream stdin, boolean interactive,
            Function<String, char[]> secretPrompt, Function<String, String> linePrompt, ApiFactory apiFactory) {
        this.env = env;
        this.cwd = cwd;
        this.stdin = stdin;
        this.interactive = interactive;
        this.secretPrompt = secretPrompt;
        this.linePrompt = linePrompt;
        this.apiFactory = apiFactory;
        this.stdoutTerminal = interactive;
    }

    /** The real process: {@code System.getenv()}, the working directory, stdin and the console. */
    public static CliContext system() {
        Console console = System.console();
        CliContext context = new CliContext(System.getenv(), Path.of("").toAbsolutePath(), System.in, console != null,
                prompt -> {
                    Console c = System.console();
                    return c == null ? null : c.readPassword("%s", prompt);
                },
                prompt -> {
                    Console c = System.console();
                    return c == null ? null : c.readLine("%s", prompt);
                },
                (url, token, trace) -> api(System.getenv(), url, token, trace));
        context.stdoutTerminal = console != null ? Boolean.TRUE : null; // else asked of /proc when needed
        return context;
    }

    /** What file descriptor {@code fd} of this process is, as /proc names it; empty when that cannot be read. */
    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    /** Whether a file descriptor's target (from /proc/self/fd) is a terminal device. */
    static boolean isTerminal(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /**
     * The real API client for {@code url}, with the response limit and the CA file the environment sets; a usage
     * error when either cannot be used.
     */
    public static HostApi api(Map<String, String> env, String url, String token, PrintWriter trace) {
        long max = maxResponseBytes(env);
        String ca = env.get("HOSTCTL_CA_FILE");
        try {
            return new HttpHostApi(url, token, "hostctl/" + Version.get(), trace, max,
                    ca == null || ca.isEmpty() ? null : Path.of(ca));
        } catch (org.hostctl.client.CaFile.UnusableException e) {
            throw HostctlException.usage("HOSTCTL_CA_FILE: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HostctlException.usage(e.getMessage());
        }
    }

    /** The response limit {@code HOSTCTL_MAX_RESPONSE} sets, 64 MiB by default; a usage error when unreadable. */
    public static long maxResponseBytes(Map<String, String> env) {
        try {
            return HttpHostApi.maxResponseBytes(env.get("HOSTCTL_MAX_RESPONSE"));
        } catch (IllegalArgumentException e) {
            throw HostctlException.usage(e.getMessage());
        }
    }

    public Map<String, String> env() {
        return env;
    }

    public Path cwd() {
        return cwd;
    }

    public InputStream stdin() {
        return stdin;
    }

    /**
     * Whether stdout is a terminal, even when stdin is not: text a remote party wrote (a Sieve script, an API
     * answer) is then shown with its control characters escaped rather than written byte for byte.
     */
    public boolean stdoutTerminal() {
        if (stdoutTerminal == null) {
            stdoutTerminal = isTerminal(fdTarget(1));
        }
        return stdoutTerminal;
    }

    /** Whether stderr is a terminal, where progress may be drawn. */
    public boolean stderrTerminal() {
        if (stderrTerminal == null) {
            stderrTerminal = isTerminal(fdTarget(2));
        }
        return stderrTerminal;
    }

    /** Declares whether stderr is a terminal, for tests; returns this context. */
    public CliContext withStderrTerminal(boolean terminal) {
        this.stderrTerminal = terminal;
        return this;
    }

    /** Whether stdin and stdout are a terminal, so that hostctl may prompt. */
    public boolean interactive() {
        return interactive;
    }

    /** Reads a secret without echo; null when there is no terminal. */
    public char[] promptSecret(String prompt) {
        return secretPrompt.apply(prompt);
    }

    /** Reads one line typed at the terminal; null when there is none. */
    public String promptLine(String prompt) {
        return linePrompt.apply(prompt);
    }

    public ApiFactory apiFactory() {
        return apiFactory;
    }

    /** The time now and the local zone times are shown in. */
    public Clock clock() {
        if (clock == null) {
            clock = Clock.systemDefaultZone();
        }
        return clock;
    }

    /** Waits {@code duration}; throws when interrupted. */
    public void sleep(Duration duration) throws InterruptedException {
        sleeper.sleep(duration);
    }

    /** Replaces the clock and the waiting, for tests; returns this context. */
    public CliContext withTime(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        return this;
    }

    /**
     * The context of the commands that {@code hostctl shell} runs: like this one, with the given stdin, terminal,
     * prompts and API factory, and {@link #inShell()} true.
     */
    public CliContext forShell(InputStream stdin, boolean interactive, Function<String, char[]> secretPrompt,
            Function<String, String> linePrompt, ApiFactory apiFactory) {
        CliContext c = new CliContext(env, cwd, stdin, interactive, secretPrompt, linePrompt, apiFactory);
        c.clock = clock;
        c.sleeper = sleeper;
        c.configStore = configStore;
        c.inShell = true;
        c.stdoutTerminal = stdoutTerminal();
        c.localSocket = localSocket;
        return c;
    }

    /** Whether commands run inside {@code hostctl shell}. */
    public boolean inShell() {
        return inShell;
    }

    /** Where hostctl looks for hostd's local socket when nothing names an API and no token is set. */
    public Path localSocket() {
        return localSocket;
    }

    /** Replaces the local socket looked for (tests); returns this context. */
    public CliContext withLocalSocket(Path socket) {
        this.localSocket = socket;
        return this;
    }

    public ConfigStore configStore() {
        if (configStore == null) {
            configStore = new ConfigStore(ConfigStore.defaultDir(env));
        }
        return configStore;
    }
}
