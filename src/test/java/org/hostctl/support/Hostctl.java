package org.hostctl.support;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.hostctl.cli.Cli;
import org.hostctl.cli.CliContext;
import org.hostctl.client.HostApi;

/** Runs hostctl in-process through the real parser, with its own environment, working directory and stdin. */
public final class Hostctl {
    private final Map<String, String> env = new HashMap<>();
    private Path cwd;
    private boolean interactive;
    private String promptAnswer;
    private HostApi api;
    private java.time.Clock clock;
    private CliContext.Sleeper sleeper;
    private Path localSocket;
    private boolean stderrTerminal;

    public Hostctl(Path configHome) {
        env.put("XDG_CONFIG_HOME", configHome.toString());
        env.put("HOME", configHome.toString());
        this.cwd = configHome;
        // never the machine's /run/hostd/api.sock: a test names the socket it serves
        this.localSocket = configHome.resolve("no-local-hostd.sock");
    }

    /** Where hostctl looks for hostd's local socket when nothing names an API and no token is set. */
    public Hostctl localSocket(Path socket) {
        this.localSocket = socket;
        return this;
    }

    public Hostctl env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public Hostctl cwd(Path dir) {
        this.cwd = dir;
        return this;
    }

    /** Pretends stdin and stdout are a terminal whose no-echo prompt answers {@code answer}. */
    public Hostctl terminal(String answer) {
        this.interactive = true;
        this.promptAnswer = answer;
        return this;
    }

    /** Pretends stderr is a terminal (progress bars are drawn there). */
    public Hostctl stderrTerminal() {
        this.stderrTerminal = true;
        return this;
    }

    public Hostctl pipe() {
        this.interactive = false;
        this.promptAnswer = null;
        return this;
    }

    /** Commands talk to {@code fake} instead of an HTTP client (a token is still needed, e.g. HOSTCTL_TOKEN). */
    public Hostctl api(HostApi fake) {
        this.api = fake;
        return this;
    }

    /** Commands see {@code clock} and wait through {@code sleeper}. */
    public Hostctl time(java.time.Clock clock, CliContext.Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        return this;
    }

    public HostctlRun run(String... args) {
        return runWithStdin("", args);
    }

    public HostctlRun runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        String answer = promptAnswer;
        CliContext ctx = new CliContext(Map.copyOf(env), cwd,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), interactive,
                prompt -> answer == null ? null : answer.toCharArray(),
                prompt -> answer,
                (url, token, trace) -> api != null ? api : CliContext.api(env, url, token, trace));
        if (clock != null) {
            ctx.withTime(clock, sleeper);
        }
        ctx.withLocalSocket(localSocket);
        ctx.withStderrTerminal(stderrTerminal);
        int code = Cli.forArgs(ctx, o, e, args).execute(args);
        o.flush();
        e.flush();
        return new HostctlRun(code, out.toString(), err.toString());
    }
}
