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
        if (talksToTheApi(args)) {
            Thread warm = new Thread(Main::warmUp, "hostctl-warm-up");
            warm.setDaemon(true);
            warm.start();
        }
        int code = Cli.forArgs(CliContext.system(), out, err, args).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Whether the command line names a command that will talk to the API (not help, not completion scripts), so
     * that what every request needs is worth preparing beside the parsing.
     */
    static boolean talksToTheApi(String[] args) {
        if (args.length == 0) {
            return false;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("help") || a.equals("completion")
                    || a.equals("--")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prepares, on a second thread while the main one builds and parses the command line, what the first request
     * needs and every command pays for in its start: the JDK's security providers (OkHttp looks at their list
     * before any call, even on plain HTTP), java.util.logging (OkHttp's logger), OkHttp's classes and the JSON
     * mapper. The main
     * thread, reaching any of them first or meanwhile, waits for the same one-time set-up rather than doing it twice;
     * a failure here is ignored, the main thread meets it again where it matters.
     */
    static void warmUp() {
        try {
            java.security.Security.getProviders();
            java.util.logging.LogManager.getLogManager();
            new okhttp3.OkHttpClient.Builder(); // its classes; building a client is the command's
            okhttp3.HttpUrl.get("http://localhost/");
            org.hostctl.api.Json.mapper();
        } catch (RuntimeException | Error e) {
            // nothing was prepared; the command does it itself
        }
    }
}
