package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private Dovecot 2.3 on 127.0.0.1 as the IMAP and POP3 proxy in front of hostd's backends, started from the provider
 * kit's {@code dovecot-proxy/90-hostd-proxy.conf} and {@code dovecot-proxy/dovecot-proxy-sql.conf.ext}: it checks
 * customers' passwords against hostd's SQLite store and sends each session to the backend in hostd's
 * {@code mail_route} table. Everything lives under {@link #dir()}; {@code /etc/dovecot} is never read.
 */
public final class DovecotProxyFixture implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final Thread shutdownHook = new Thread(this::close, "dovecot-proxy-fixture-stop");
    private int imapPort;
    private int pop3Port;
    private Process master;

    private DovecotProxyFixture(Path dir) {
        this.dir = dir;
    }

    /** Components missing for the fixture; those of {@link DovecotFixture} (the same Dovecot) with POP3. */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>(DovecotFixture.missingComponents());
        missing.addAll(DovecotFixture.missingPop3Components());
        FixtureSupport.assumeComplete("Dovecot proxy", missing);
    }

    /**
     * Starts the proxy over hostd's SQLite store (WAL mode, as hostd creates it), logging in to Cyrus backends as
     * {@value CyrusFixture#PROXY} with {@code proxyPassword}.
     */
    public static DovecotProxyFixture start(Path sqliteDb, String proxyPassword) throws IOException {
        DovecotProxyFixture f = new DovecotProxyFixture(Files.createTempDirectory(Path.of("/tmp"), "hostctl-px-"));
        try {
            f.launch(sqliteDb, proxyPassword);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    public Path dir() {
        return dir;
    }

    public int imapPort() {
        return imapPort;
    }

    public int pop3Port() {
        return pop3Port;
    }

    /** A connected IMAP client (greeting read); close it. */
    public ImapClient imap() throws IOException {
        return ImapClient.connect("127.0.0.1", imapPort, CLIENT_TIMEOUT);
    }

    /** A connected POP3 client (greeting read); close it. */
    public Pop3Client pop3() throws IOException {
        return Pop3Client.connect("127.0.0.1", pop3Port, CLIENT_TIMEOUT);
    }

    public String logTail() {
        return tail(dir.resolve("log/dovecot.log"));
    }

    /** Stops Dovecot (SIGTERM, then kill if it lingers) and deletes its directory. */
    @Override
    public synchronized void close() {
        removeShutdownHook(shutdownHook);
        if (master != null) {
            List<ProcessHandle> started = master.descendants().toList();
            master.destroy();
            if (!FixtureSupport.awaitExit(master.toHandle(), Duration.ofSeconds(10))) {
                master.destroyForcibly();
            }
            for (ProcessHandle p : started) {
                if (!FixtureSupport.awaitExit(p, Duration.ofSeconds(2))) {
                    p.destroyForcibly();
                }
            }
            master = null;
        }
        FixtureSupport.deleteRecursively(dir);
    }

    private void launch(Path sqliteDb, String proxyPassword) throws IOException {
        if (proxyPassword.contains("'") || proxyPassword.contains("\\") || proxyPassword.contains("\n")) {
            throw new IllegalArgumentException("the proxy password cannot hold ', \\ or a line break");
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        for (String sub : List.of("etc", "run", "state", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = dir.resolve("etc");
        write(etc.resolve("90-hostd-proxy.conf"), ProviderKit.render("dovecot-proxy/90-hostd-proxy.conf",
                Map.of("DOVECOT_ETC", etc.toString())), "rw-r--r--");
        write(etc.resolve("dovecot-proxy-sql.conf.ext"), ProviderKit.render("dovecot-proxy/dovecot-proxy-sql.conf.ext",
                Map.of("DOVECOT_ETC", etc.toString(), "SQL_DRIVER", "sqlite", "SQL_CONNECT", sqliteDb.toString(),
                        "PROXY_PASSWORD", proxyPassword)),
                "rw-------");
        do {
            imapPort = freePort();
        } while (accepts(imapPort));
        do {
            pop3Port = freePort();
        } while (pop3Port == imapPort || accepts(pop3Port));
        write(etc.resolve("dovecot.conf"), """
                # Private Dovecot proxy for hostd tests, generated by DovecotProxyFixture.
                instance_name = hostd-proxy-%2$d
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/log/dovecot.log
                info_log_path = %1$s/log/dovecot.log
                protocols = imap pop3
                listen = 127.0.0.1
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                auth_failure_delay = 0 secs
                auth_verbose = yes
                shutdown_clients = yes

                # the provider kit (provider/dovecot-proxy/90-hostd-proxy.conf)
                !include %1$s/etc/90-hostd-proxy.conf

                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %2$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                service pop3-login {
                  inet_listener pop3 {
                    address = 127.0.0.1
                    port = %3$d
                  }
                  inet_listener pop3s {
                    port = 0
                  }
                }
                service anvil {
                  unix_listener anvil-auth-penalty {
                    mode = 0
                  }
                }
                """.formatted(dir, imapPort, pop3Port), "rw-r--r--");
        ProcessBuilder builder = new ProcessBuilder(DovecotFixture.DOVECOT.toString(), "-F", "-c",
                etc.resolve("dovecot.conf").toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/dovecot.out").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        master = builder.start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!accepts(imapPort) || !accepts(pop3Port) || readPid(dir.resolve("run/master.pid")).orElse(-1L) != master.pid()) {
            if (!master.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the Dovecot proxy did not start" + tail(dir.resolve("log/dovecot.out"))
                        + logTail());
            }
            FixtureSupport.sleep(Duration.ofMillis(20));
        }
    }

    private static void write(Path file, String text, String mode) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
