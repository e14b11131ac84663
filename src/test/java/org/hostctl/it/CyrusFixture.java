package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.runningAsRoot;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A private Cyrus IMAP 3.6 on 127.0.0.1 started from the provider kit's {@code cyrus/imapd.conf} and
 * {@code cyrus/cyrus.conf}: Cyrus's master with imapd, pop3d, lmtpd (TCP, and the unix socket {@link #lmtpSocket()}
 * that needs no authentication) and timsieved, every port chosen free at start. Config, databases, spool, Sieve
 * scripts, sockets and the sasldb with the admin {@value #ADMIN} and the trusted proxy user {@value #PROXY} live
 * under one directory {@link #dir()}; {@code /etc/imapd.conf} is never read.
 *
 * <p>Runs as root (CI on Debian 12); the master becomes {@code cyrus}. Debian's cyrus-imapd and cyrus-pop3d
 * conflict with dovecot-imapd and dovecot-pop3d, so their imapd and pop3d come from {@value #IMAPD_DIR} (see
 * .ci/install-packages), the rest from cyrus-common; {@code DIR/bin} links both, as the kit's {@code @CYRUS_BIN@}.
 *
 * <pre>{@code
 * CyrusFixture.assumeAvailable();
 * try (CyrusFixture cyrus = CyrusFixture.start("admin-secret", "proxy-secret");
 *      ImapClient imap = cyrus.imap()) {
 *     assertThat(imap.login(CyrusFixture.ADMIN, "admin-secret").ok()).isTrue();
 * }
 * }</pre>
 */
public final class CyrusFixture implements AutoCloseable {
    /** The admin hostd logs in as (the kit's {@code admins}). */
    public static final String ADMIN = "hostd-admin";
    /** The trusted proxy user (the kit's {@code proxyservers}). */
    public static final String PROXY = "hostd-proxy";

    static final String IMAPD_DIR = "/usr/local/lib/hostctl-test/cyrus-imapd/usr/lib/cyrus/bin";
    static final Path COMMON_BIN = Path.of("/usr/lib/cyrus/bin");
    static final Path SASLPASSWD2 = Path.of("/usr/sbin/saslpasswd2");
    static final String CYRUS_USER = "cyrus";
    private static final List<String> PROGRAMS = List.of("master", "lmtpd", "timsieved", "ctl_cyrusdb", "cyr_expire");
    /** The programs of the cyrus-imapd and cyrus-pop3d packages, unpacked in {@value #IMAPD_DIR}. */
    private static final List<String> IMAPD_PROGRAMS = List.of("imapd", "pop3d");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;

    private final Path dir;
    private final Thread shutdownHook = new Thread(this::closeQuietly, "cyrus-fixture-stop");
    private int imapPort;
    private int pop3Port;
    private int lmtpPort;
    private int sievePort;
    private Process master;

    private CyrusFixture(Path dir) {
        this.dir = dir;
    }

    /** Components missing for the fixture; empty when it can run. */
    public static List<String> missingComponents() {
        List<String> missing = new ArrayList<>();
        Stream.concat(Stream.concat(IMAPD_PROGRAMS.stream().map(p -> Path.of(IMAPD_DIR, p)), Stream.of(SASLPASSWD2)),
                        PROGRAMS.stream().map(COMMON_BIN::resolve))
                .filter(p -> !Files.isExecutable(p))
                .forEach(p -> missing.add(p.toString()));
        if (!runningAsRoot()) {
            missing.add("root (Cyrus's master becomes " + CYRUS_USER + ")");
        }
        return missing;
    }

    /** Skips the calling test when the fixture cannot run, but fails it when {@code CI=true}. */
    public static void assumeAvailable() {
        FixtureSupport.assumeComplete("Cyrus", missingComponents());
    }

    /**
     * Starts Cyrus in a new {@code /tmp/hostctl-cy-XXXX} (deleted by {@link #close()}) with the admin and the proxy
     * user having these passwords.
     */
    public static CyrusFixture start(String adminPassword, String proxyPassword) throws IOException {
        CyrusFixture fixture = new CyrusFixture(Files.createTempDirectory(Path.of("/tmp"), "hostctl-cy-"));
        fixture.launch(adminPassword, proxyPassword);
        return fixture;
    }

    public Path dir() {
        return dir;
    }

    public int imapPort() {
        return imapPort;
    }

    /** POP3 (pop3d), where the proxy sends POP3 sessions: the backend's {@code pop3Port}. */
    public int pop3Port() {
        return pop3Port;
    }

    /** LMTP over TCP: Cyrus asks clients to authenticate here (AUTH PLAIN as the admin). */
    public int lmtpPort() {
        return lmtpPort;
    }

    /** LMTP without authentication, for a Postfix (or a test) on this host. */
    public Path lmtpSocket() {
        return dir.resolve("run/lmtp");
    }

    public int sievePort() {
        return sievePort;
    }

    /** A connected IMAP client (greeting read); close it. */
    public ImapClient imap() throws IOException {
        return ImapClient.connect("127.0.0.1", imapPort, CLIENT_TIMEOUT);
    }

    /** A connected POP3 client (greeting read); close it. */
    public Pop3Client pop3() throws IOException {
        return Pop3Client.connect("127.0.0.1", pop3Port, CLIENT_TIMEOUT);
    }

    /** A connected LMTP client on the unix socket (greeting read); close it. */
    public LmtpClient lmtp() throws IOException {
        return LmtpClient.connect(lmtpSocket(), CLIENT_TIMEOUT);
    }

    /** The master's own output (Cyrus logs the rest to syslog), for assertion messages. */
    public String logTail() {
        return tail(dir.resolve("log/master.log"));
    }

    /** Whether the master runs. */
    public synchronized boolean running() {
        return master != null && master.isAlive();
    }

    /**
     * SIGTERM to the master (it stops its children), waits for it and them, kills (SIGKILL) only this instance's
     * processes that linger. The directory stays for {@link #restart()}. Stopping a stopped fixture does nothing.
     */
    public synchronized void stop() {
        if (master == null) {
            return;
        }
        master.destroy();
        List<String> lingering = new ArrayList<>();
        if (!FixtureSupport.awaitExit(master.toHandle(), STOP_GRACE)) {
            // now and then Cyrus's master is still waiting for its children after seconds; its databases recover
            // at the next start (the kit's START recover)
            master.descendants().forEach(p -> lingering.add(p.pid() + " " + p.info().commandLine().orElse("?")));
            master.descendants().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
            FixtureSupport.awaitExit(master.toHandle(), STOP_TIMEOUT);
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle p : ProcessHandle.allProcesses().filter(this::isOurs).toList()) {
            if (!FixtureSupport.awaitExit(p, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                p.destroyForcibly();
                lingering.add(p.pid() + " " + p.info().commandLine().orElse("?"));
            }
        }
        master = null;
        if (!lingering.isEmpty()) {
            System.err.println("CyrusFixture: killed Cyrus processes still running " + STOP_GRACE.toSeconds()
                    + " s after SIGTERM: " + lingering);
        }
    }

    /** A Cyrus service process of this instance (its command line names this instance's imapd.conf). */
    private boolean isOurs(ProcessHandle p) {
        return p.info().arguments().map(List::of).orElse(List.of()).contains(dir.resolve("imapd.conf").toString());
    }

    /** Starts a {@link #stop() stopped} Cyrus again on the same ports with the same mail. */
    public synchronized void restart() {
        if (master != null) {
            throw new IllegalStateException("cyrus is running (pid " + master.pid() + "); stop() it first");
        }
        try {
            Files.deleteIfExists(dir.resolve("run/master.pid"));
            master = startMaster();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart cyrus in " + dir, e);
        }
    }

    /** Stops Cyrus and deletes its directory. */
    @Override
    public synchronized void close() {
        removeShutdownHook(shutdownHook);
        try {
            stop();
        } finally {
            FixtureSupport.deleteRecursively(dir);
        }
    }

    // ---------------------------------------------------------------- start

    private void launch(String adminPassword, String proxyPassword) throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            prepare(adminPassword, proxyPassword);
            IllegalStateException lastBindFailure = null;
            for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                choosePorts();
                writeConfig();
                master = startMaster();
                try {
                    awaitReady();
                    return;
                } catch (IllegalStateException e) {
                    if (master.isAlive() || !logTail().contains("Address already in use")) {
                        throw e;
                    }
                    lastBindFailure = e;
                    master = null;
                }
            }
            throw lastBindFailure;
        } catch (RuntimeException | IOException e) {
            closeQuietly();
            throw e;
        }
    }

    private void prepare(String adminPassword, String proxyPassword) throws IOException {
        for (String sub : List.of("bin", "config", "spool", "sieve", "run", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        for (String program : PROGRAMS) {
            Files.createSymbolicLink(dir.resolve("bin").resolve(program), COMMON_BIN.resolve(program));
        }
        for (String program : IMAPD_PROGRAMS) {
            Files.createSymbolicLink(dir.resolve("bin").resolve(program), Path.of(IMAPD_DIR, program));
        }
        saslUser(ADMIN, adminPassword);
        saslUser(PROXY, proxyPassword);
        UserPrincipal cyrus = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(CYRUS_USER);
        GroupPrincipal mail = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("mail");
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setOwner(cyrus);
                view.setGroup(mail);
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x--x"));
        Files.setPosixFilePermissions(dir.resolve("sasldb2"), PosixFilePermissions.fromString("rw-r-----"));
        FixtureSupport.grantTraversal(dir, CYRUS_USER);
    }

    private void saslUser(String user, String password) {
        if (password == null || password.isEmpty() || password.contains("\n")) {
            throw new IllegalArgumentException("the password of " + user + " must be one non-empty line");
        }
        FixtureSupport.ToolResult r = FixtureSupport.run(List.of(SASLPASSWD2.toString(), "-p", "-c", "-f",
                dir.resolve("sasldb2").toString(), user), password.getBytes(StandardCharsets.UTF_8), CLIENT_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("cannot add " + user + " to the sasldb: " + r);
        }
    }

    private void writeConfig() throws IOException {
        Map<String, String> vars = Map.of(
                "CYRUS_DIR", dir.toString(),
                "CYRUS_BIN", dir.resolve("bin").toString(),
                "CYRUS_IMAP", "127.0.0.1:" + imapPort,
                "CYRUS_POP3", "127.0.0.1:" + pop3Port,
                "CYRUS_LMTP", "127.0.0.1:" + lmtpPort,
                "CYRUS_SIEVE", "127.0.0.1:" + sievePort);
        for (String name : List.of("imapd.conf", "cyrus.conf")) {
            Path file = dir.resolve(name);
            Files.writeString(file, ProviderKit.render("cyrus/" + name, vars), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private Process startMaster() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(dir.resolve("bin/master").toString(),
                "-C", dir.resolve("imapd.conf").toString(), "-M", dir.resolve("cyrus.conf").toString(),
                "-p", dir.resolve("run/master.pid").toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/master.log").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("LANG", "C");
        return builder.start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (int port : new int[] {imapPort, pop3Port, lmtpPort, sievePort}) {
            waitUntil(deadline, () -> accepts(port), "listener on 127.0.0.1:" + port);
        }
        waitUntil(deadline, () -> Files.exists(lmtpSocket(), LinkOption.NOFOLLOW_LINKS), "socket " + lmtpSocket());
        Path pidFile = dir.resolve("run/master.pid");
        waitUntil(deadline, () -> readPid(pidFile).orElse(-1L) == master.pid(), "master.pid naming " + master.pid());
    }

    private void waitUntil(long deadline, BooleanSupplier ready, String what) {
        while (!ready.getAsBoolean()) {
            if (!master.isAlive()) {
                throw new IllegalStateException("cyrus master exited with status " + master.exitValue()
                        + " while waiting for " + what + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready within " + READY_TIMEOUT.toSeconds() + " s"
                        + logTail());
            }
            FixtureSupport.sleep(Duration.ofMillis(20));
        }
    }

    private void choosePorts() {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 4) {
            int port = freePort();
            if (!accepts(port)) {
                ports.add(port);
            }
        }
        int[] p = ports.stream().mapToInt(Integer::intValue).toArray();
        imapPort = p[0];
        lmtpPort = p[1];
        sievePort = p[2];
        pop3Port = p[3];
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            // the start failure is the interesting error
        }
    }
}
