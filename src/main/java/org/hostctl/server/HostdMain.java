package org.hostctl.server;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.hostctl.server.admin.HostdCommand;
import picocli.CommandLine;

/** Entry point of hostd; the only place that calls {@code System.exit}. */
public final class HostdMain {
    private HostdMain() {}

    public static void main(String[] args) {
        if (!java.util.Arrays.asList(args).contains("serve")
                && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // The administration commands answer on stdout and stderr themselves; the log is serve's.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = HostdCommand.build(System.getenv(), out, err).execute(args);
        out.flush();
        err.flush();
        if (code != 0 || !HostdCommand.serving()) {
            System.exit(code);
        }
    }
}
