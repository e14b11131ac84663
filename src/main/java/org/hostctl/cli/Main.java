package org.hostctl.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of hostctl; the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            out.println("hostctl " + Version.get());
            out.flush();
            System.exit(ExitCodes.OK);
        }
        int code = Cli.forArgs(CliContext.system(), out, err, args).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
