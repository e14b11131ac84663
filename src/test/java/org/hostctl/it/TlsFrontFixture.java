package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.runningAsRoot;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Apache on 127.0.0.1 that terminates TLS in front of a plain-HTTP API, as a provider's web server does
 * in front of hostd: mod_ssl with a server certificate for 127.0.0.1 from a test CA that openssl makes here, and
 * mod_proxy_http passing every request on. {@link #otherCa()} is a second CA that signed nothing of this server.
 * Stopped by the PID of the Apache it started.
 */
public final class TlsFrontFixture implements AutoCloseable {
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final List<String> MODULE_NAMES = List.of("mpm_event", "authz_core", "ssl", "socache_shmcb",
            "proxy", "proxy_http");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private final Process apache;
    private final Thread shutdownHook;

    private TlsFrontFixture(Path dir, int port, Process apache) {
        this.dir = dir;
        this.port = port;
        this.apache = apache;
        this.shutdownHook = new Thread(this::stop, "tls-front-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Skips the test, or fails it under CI, when Apache, its TLS and proxy modules or openssl are missing. */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(ApacheFixture.APACHE)) {
            missing.add(ApacheFixture.APACHE.toString());
        }
        for (String m : MODULE_NAMES) {
            if (!Files.exists(MODULES.resolve("mod_" + m + ".so"))) {
                missing.add("mod_" + m);
            }
        }
        if (!Files.isExecutable(OPENSSL)) {
            missing.add(OPENSSL.toString());
        }
        FixtureSupport.assumeComplete("TLS front", missing);
    }

    /**
     * Makes the CAs and the certificate in {@code dir} (new, empty or absent) and starts Apache before
     * {@code backend}.
     */
    public static TlsFrontFixture start(Path dir, String backend) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("run"));
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=hostctl test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=another test CA",
                "-keyout", "other-ca.key", "-out", "other-ca.pem");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        int port = freePort();
        StringBuilder conf = new StringBuilder();
        conf.append("ServerRoot \"").append(dir).append("\"\nServerName 127.0.0.1\n")
                .append("PidFile \"").append(dir.resolve("run/apache2.pid")).append("\"\n")
                .append("DefaultRuntimeDir \"").append(dir.resolve("run")).append("\"\n")
                .append("Mutex file:").append(dir.resolve("run")).append(" default\n")
                .append("ErrorLog \"").append(dir.resolve("logs/error.log")).append("\"\nLogLevel warn\n");
        for (String m : MODULE_NAMES) {
            conf.append("LoadModule ").append(m).append("_module ").append(MODULES.resolve("mod_" + m + ".so"))
                    .append('\n');
        }
        if (runningAsRoot()) {
            conf.append("User ").append(ApacheFixture.WORKER_USER).append("\nGroup ")
                    .append(ApacheFixture.WORKER_GROUP).append('\n');
        }
        conf.append("StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMaxRequestWorkers 8\n")
                .append("Listen 127.0.0.1:").append(port).append("\nSSLSessionCache none\n")
                .append("<VirtualHost 127.0.0.1:").append(port).append(">\n")
                .append("  SSLEngine on\n")
                .append("  SSLCertificateFile \"").append(dir.resolve("server.pem")).append("\"\n")
                .append("  SSLCertificateKeyFile \"").append(dir.resolve("server.key")).append("\"\n")
                .append("  ProxyPass / ").append(backend.endsWith("/") ? backend : backend + "/").append('\n')
                .append("</VirtualHost>\n");
        Path confFile = dir.resolve("httpd.conf");
        Files.writeString(confFile, conf);
        Process apache = new ProcessBuilder(ApacheFixture.APACHE.toString(), "-f", confFile.toString(), "-DFOREGROUND")
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/apache2.out").toFile())
                .start();
        TlsFrontFixture front = new TlsFrontFixture(dir, port, apache);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!accepts(port) || readPid(dir.resolve("run/apache2.pid")).isEmpty()) {
            if (!apache.isAlive() || System.nanoTime() > deadline) {
                front.close();
                throw new IllegalStateException("Apache (TLS front) did not start on 127.0.0.1:" + port
                        + tail(dir.resolve("logs/apache2.out")) + tail(dir.resolve("logs/error.log")));
            }
            sleep();
        }
        return front;
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(OPENSSL.toString()));
        argv.addAll(List.of(args));
        Path log = dir.resolve("logs/openssl.log");
        Process p = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed" + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The HTTPS URL of the front, by IP address (the name the certificate holds). */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The test CA's certificate (PEM), which signed the server's. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** Another CA's certificate (PEM), which did not. */
    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    private void stop() {
        if (apache.isAlive()) {
            apache.destroy(); // SIGTERM to the Apache this fixture started: it stops its children
            try {
                if (!apache.waitFor(10, TimeUnit.SECONDS)) {
                    apache.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        removeShutdownHook(shutdownHook);
    }
}
