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
            boolean https = likelyHttps(args, System.getenv());
            Thread warm = new Thread(() -> warmUp(https), "hostctl-warm-up");
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
     * before any call, even on plain HTTP), java.util.logging (OkHttp's logger), OkHttp's classes, for an https
     * URL the JDK's CA certificates, and the JSON mapper. The main
     * thread, reaching any of them first or meanwhile, waits for the same one-time set-up rather than doing it twice;
     * a failure here is ignored, the main thread meets it again where it matters.
     */
    static void warmUp(boolean https) {
        try {
            java.security.Security.getProviders();
            java.util.logging.LogManager.getLogManager();
            new okhttp3.OkHttpClient.Builder(); // its classes; building a client is the command's
            okhttp3.HttpUrl.get("http://localhost/");
            if (https) {
                // the JDK keeps the CA certificates it read (weakly: the trust manager kept here holds them)
                javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                f.init((java.security.KeyStore) null);
                warmTrust = f.getTrustManagers();
                javax.net.ssl.SSLContext.getInstance("TLS");
            }
            org.hostctl.api.Json.mapper();
        } catch (java.security.GeneralSecurityException | RuntimeException | Error e) {
            // nothing was prepared; the command does it itself
        }
    }

    /** The trust managers the warm-up made, kept so that the CA certificates the JDK read stay cached. */
    private static volatile Object warmTrust;

    /**
     * Whether the API URL is https with the JDK's CA certificates (no HOSTCTL_CA_FILE), by a cheap look at what
     * decides it: {@code --api-url}, else HOSTCTL_API_URL, else whether the profiles file names an https URL.
     * Only a guess for the warm-up: a wrong one costs a second thread some work, nothing else.
     */
    static boolean likelyHttps(String[] args, java.util.Map<String, String> env) {
        String ca = env.get("HOSTCTL_CA_FILE");
        if (ca != null && !ca.isEmpty()) {
            return false; // the command builds its own trust from that file
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--api-url") && i + 1 < args.length) {
                return args[i + 1].startsWith("https:");
            }
            if (args[i].startsWith("--api-url=")) {
                return args[i].startsWith("--api-url=https:");
            }
        }
        String url = env.get("HOSTCTL_API_URL");
        if (url != null && !url.isEmpty()) {
            return url.startsWith("https:");
        }
        try {
            java.nio.file.Path config = org.hostctl.cli.config.ConfigStore.defaultDir(env)
                    .resolve(org.hostctl.cli.config.ConfigStore.FILE);
            return java.nio.file.Files.size(config) < 1 << 20
                    && java.nio.file.Files.readString(config).contains("\"https://");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
