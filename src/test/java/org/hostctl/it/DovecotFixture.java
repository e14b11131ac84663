package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.runningAsRoot;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Sha2Crypt;

/**
 * A private Dovecot 2.3 on 127.0.0.1 whose mailboxes come from hostd's SQL tables ({@code mailbox}, read with
 * the {@code sqlite} or {@code pgsql} driver). Listeners, every port chosen free at start: IMAP, ManageSieve,
 * LMTP (TCP and the unix socket {@link #lmtpSocket()}), auth (TCP and {@link #authSocket()}), the
 * quota-status policy service for Postfix and, when {@link Builder#pop3(boolean) asked for}, POP3. Config,
 * sockets, state, log, mail homes and the optional self-signed certificate live under one directory
 * {@link #dir()}; {@code /etc/dovecot} is never read.
 *
 * <p>Runs as root (CI on Debian 12): mail processes run as {@code vmail}, created with {@code useradd --system}
 * when missing. The fixture never creates tables; the test (like hostd) owns the database, and a SQLite file
 * must already exist in WAL mode. A master user {@value #MASTER_USER} (password given by the test) can log in
 * as any active mailbox, for IMAP and ManageSieve only: {@code LOGIN "alice@example.com*hostd-master" "secret"}.
 *
 * <pre>{@code
 * DovecotFixture.assumeAvailable();
 * try (DovecotFixture dovecot = DovecotFixture.builder(Driver.SQLITE, dbFile.toString())
 *         .masterPassword("master-secret").start();
 *      ImapClient imap = dovecot.imap()) {
 *     assertThat(imap.login("alice@example.com", "alice pw").ok()).isTrue();
 * }
 * }</pre>
 */
public final class DovecotFixture implements AutoCloseable {

    static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    static final Path DOVEADM = Path.of("/usr/bin/doveadm");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    static final Path RUNUSER = Path.of("/usr/sbin/runuser");
    static final Path USERADD = Path.of("/usr/sbin/useradd");
    static final Path MODULES = Path.of("/usr/lib/dovecot/modules");
    static final String VMAIL = "vmail";
    /** Name of the master user in {@code DIR/etc/master-users}. */
    public static final String MASTER_USER = "hostd-master";
    /** The longest socket is {@code DIR/run/token-login/imap-urlauth}; unix socket paths end at 107 bytes. */
    public static final int MAX_DIR_LENGTH = 75;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    /** Characters allowed in paths written into the config and SQL (no quoting needed). */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final Pattern PG_CONNECT = Pattern.compile("[A-Za-z_]+=[A-Za-z0-9._/@+-]+( [A-Za-z_]+=[A-Za-z0-9._/@+-]+)*");
    private static final int PORT_ATTEMPTS = 5;

    /** SQL driver of the passdb/userdb; {@link #connect} formats are those of {@link #sqlConf}. */
    public enum Driver {
        /** {@code connect} = path of hostd's SQLite file (package dovecot-sqlite). */
        SQLITE("sqlite", "libdriver_sqlite.so"),
        /** {@code connect} = {@code host=127.0.0.1 port=P dbname=D user=U} (package dovecot-pgsql). */
        PGSQL("pgsql", "libdriver_pgsql.so");

        private final String dovecotName;
        private final String module;

        Driver(String dovecotName, String module) {
            this.dovecotName = dovecotName;
            this.module = module;
        }

        /** The value of {@code driver =} in {@code dovecot-sql.conf.ext}. */
        public String dovecotName() {
            return dovecotName;
        }
    }

    /** Exit code and output of a {@link #doveadm} run. */
    public record ToolResult(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", argv) + " exited " + exitCode + "\nstdout: " + stdout.strip()
                    + "\nstderr: " + stderr.strip();
        }
    }

    private final Path dir;
    private final Driver driver;
    private final String connect;
    private final boolean ssl;
    private final Duration authFailureDelay;
    private final char[] masterPassword;
    private final boolean pop3;
    private final Thread shutdownHook = new Thread(this::closeQuietly, "dovecot-fixture-stop");
    private int imapPort;
    private int lmtpPort;
    private int sievePort;
    private int authPort;
    private int quotaStatusPort;
    private int pop3Port;
    private Process master;
    private Duration startDuration;
    private boolean deleteDirOnStop;

    private DovecotFixture(Builder builder, Path dir) {
        this.dir = dir;
        this.driver = builder.driver;
        this.connect = builder.connect;
        this.ssl = builder.ssl;
        this.authFailureDelay = builder.authFailureDelay;
        this.masterPassword = builder.masterPassword.clone();
        this.pop3 = builder.pop3;
    }

    // ---------------------------------------------------------------- API

    /**
     * @param driver SQL driver Dovecot reads the {@code mailbox} table with
     * @param connect for {@link Driver#SQLITE} the path of an existing WAL-mode SQLite file; for
     *     {@link Driver#PGSQL} e.g. {@code host=127.0.0.1 port=5432 dbname=hostd user=postgres}
     */
    public static Builder builder(Driver driver, String connect) {
        return new Builder(driver, connect);
    }

    /** Configures and starts a {@link DovecotFixture}. */
    public static final class Builder {
        private final Driver driver;
        private final String connect;
        private Path dir;
        private boolean ssl;
        private Duration authFailureDelay = Duration.ZERO;
        private char[] masterPassword;
        private boolean pop3;

        private Builder(Driver driver, String connect) {
            if (driver == null || connect == null) {
                throw new IllegalArgumentException("driver and connect are required");
            }
            this.driver = driver;
            this.connect = connect;
        }

        /**
         * Instance directory: missing or empty, at most {@value #MAX_DIR_LENGTH} characters, every ancestor
         * traversable by vmail. Default: a new {@code /tmp/hostctl-dc-XXXX}, deleted by {@link #close()}.
         */
        public Builder dir(Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
            return this;
        }

        /** {@code ssl = yes} with a self-signed certificate in {@code DIR/ssl} (STARTTLS offered, not required). */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /**
         * Also serves POP3 on a free port ({@link DovecotFixture#pop3Port()}; package dovecot-pop3d, see
         * {@link DovecotFixture#missingPop3Components()}). Off by default.
         */
        public Builder pop3(boolean pop3) {
            this.pop3 = pop3;
            return this;
        }

        /** Delay before every failed auth answer; default 0 (Dovecot's own default is 2 s). Whole seconds. */
        public Builder authFailureDelay(Duration delay) {
            if (delay.isNegative() || delay.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("auth_failure_delay must be whole seconds >= 0: " + delay);
            }
            this.authFailureDelay = delay;
            return this;
        }

        /** Password of {@value #MASTER_USER}; only its {SHA512-CRYPT} hash is written. Required. */
        public Builder masterPassword(String password) {
            if (password == null || password.isEmpty() || password.contains("\n")) {
                throw new IllegalArgumentException("master password must be one non-empty line");
            }
            this.masterPassword = password.toCharArray();
            return this;
        }

        public DovecotFixture start() throws IOException {
            if (masterPassword == null) {
                throw new IllegalStateException("masterPassword(...) is required");
            }
            validateConnect(driver, connect);
            if (driver == Driver.SQLITE) {
                requireWalDatabase(Path.of(connect));
            }
            if (dir != null) {
                requireUsableDir(dir);
            }
            boolean ownDir = dir == null;
            Path instanceDir = ownDir ? Files.createTempDirectory(Path.of("/tmp"), "hostctl-dc-") : dir;
            DovecotFixture fixture = new DovecotFixture(this, instanceDir);
            fixture.deleteDirOnStop = ownDir;
            fixture.launch();
            return fixture;
        }
    }

    /**
     * The provider kit's {@code dovecot-sql.conf.ext} for hostd's schema: only active, not deleted mailboxes exist
     * for Dovecot; home is {@code <vmailRoot>/<maildir>}, the quota comes from {@code quota_bytes}
     * (0 = unlimited). Dovecot SQL-escapes {@code %u}; aliases are left to Postfix.
     */
    public static String sqlConf(Driver driver, String connect, Path vmailRoot) {
        validateConnect(driver, connect);
        requireSafePath(vmailRoot);
        return ProviderKit.render("dovecot/dovecot-sql.conf.ext", Map.of(
                "DOVECOT_ETC", "/etc/dovecot",
                "SQL_DRIVER", driver.dovecotName(),
                "SQL_CONNECT", connect,
                "MAIL_ROOT", vmailRoot.toString()));
    }

    /** Components missing for the fixture (binaries, SQL drivers, Sieve, root); empty when it can run. */
    public static List<String> missingComponents() {
        List<String> missing = new ArrayList<>();
        Stream.of(DOVECOT, DOVEADM, OPENSSL, RUNUSER, USERADD,
                        Path.of("/usr/lib/dovecot/imap"), Path.of("/usr/lib/dovecot/lmtp"),
                        Path.of("/usr/lib/dovecot/managesieve"))
                .filter(p -> !Files.isExecutable(p))
                .forEach(p -> missing.add(p.toString()));
        Stream.of(MODULES.resolve("lib90_sieve_plugin.so"),
                        MODULES.resolve("auth").resolve(Driver.SQLITE.module),
                        MODULES.resolve("auth").resolve(Driver.PGSQL.module))
                .filter(p -> !Files.isRegularFile(p))
                .forEach(p -> missing.add(p.toString()));
        if (!runningAsRoot()) {
            missing.add("root (mail runs as " + VMAIL + ", logins chroot)");
        }
        if (!userExists("postfix")) {
            missing.add("user postfix (the kit's auth listener for Postfix belongs to it)");
        }
        return missing;
    }

    /** Components missing for {@link Builder#pop3(boolean) POP3} (package dovecot-pop3d); empty when it can run. */
    public static List<String> missingPop3Components() {
        return Stream.of(Path.of("/usr/lib/dovecot/pop3"), Path.of("/usr/lib/dovecot/pop3-login"))
                .filter(p -> !Files.isExecutable(p))
                .map(Path::toString)
                .toList();
    }

    public static boolean available() {
        return missingComponents().isEmpty();
    }

    /**
     * Skips the calling test when the fixture is not {@link #available()}, but fails it when the environment
     * variable {@code CI} is {@code true}, so that CI cannot pass without running these tests.
     */
    public static void assumeAvailable() {
        FixtureSupport.assumeComplete("Dovecot", missingComponents());
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return dir.resolve("etc/dovecot.conf");
    }

    /** Root of the mail homes; a mailbox's home is {@code vmailRoot()/<maildir>}. */
    public Path vmailRoot() {
        return dir.resolve("vmail");
    }

    public Path logFile() {
        return dir.resolve("log/dovecot.log");
    }

    public Driver driver() {
        return driver;
    }

    public boolean ssl() {
        return ssl;
    }

    /** PEM certificate clients may trust when {@link #ssl()} (CN and SAN localhost, SAN IP 127.0.0.1). */
    public Path certificate() {
        return dir.resolve("ssl/cert.pem");
    }

    public int imapPort() {
        return imapPort;
    }

    public int lmtpPort() {
        return lmtpPort;
    }

    public Path lmtpSocket() {
        return dir.resolve("run/lmtp");
    }

    public int sievePort() {
        return sievePort;
    }

    /** POP3, when {@link Builder#pop3(boolean) asked for}; else 0. */
    public int pop3Port() {
        return pop3Port;
    }

    /** Dovecot auth protocol (what Postfix {@code smtpd_sasl_type = dovecot} speaks). */
    public int authPort() {
        return authPort;
    }

    public Path authSocket() {
        return dir.resolve("run/auth-client");
    }

    /** Postfix policy service answering {@code action=552 5.2.2 Mailbox is full} or {@code action=DUNNO}. */
    public int quotaStatusPort() {
        return quotaStatusPort;
    }

    /** Time from launching the master to all listeners answering. */
    public Duration startDuration() {
        return startDuration;
    }

    /** A connected IMAP client (greeting read); close it. */
    public ImapClient imap() throws IOException {
        return ImapClient.connect("127.0.0.1", imapPort, CLIENT_TIMEOUT);
    }

    /** A connected POP3 client (greeting read); close it. Only with {@link Builder#pop3(boolean)}. */
    public Pop3Client pop3() throws IOException {
        if (pop3Port == 0) {
            throw new IllegalStateException("this Dovecot serves no POP3; start it with builder().pop3(true)");
        }
        return Pop3Client.connect("127.0.0.1", pop3Port, CLIENT_TIMEOUT);
    }

    /** A connected LMTP client over TCP (greeting read); close it. */
    public LmtpClient lmtp() throws IOException {
        return LmtpClient.connect("127.0.0.1", lmtpPort, CLIENT_TIMEOUT);
    }

    /** A connected client of the auth service over TCP (handshake done); close it. */
    public DovecotAuthClient auth() throws IOException {
        return DovecotAuthClient.connect("127.0.0.1", authPort, CLIENT_TIMEOUT);
    }

    /** Runs {@code doveadm -c CONF args...} (argument array, stdin empty); never pass a password here. */
    public ToolResult doveadm(String... args) {
        return doveadmWithInput(new byte[0], args);
    }

    /** Like {@link #doveadm} with {@code input} on stdin, e.g. {@code sieve put -u USER NAME} with the script. */
    public ToolResult doveadmWithInput(byte[] input, String... args) {
        List<String> argv = new ArrayList<>(List.of(DOVEADM.toString(), "-c", configFile().toString()));
        argv.addAll(List.of(args));
        return run(argv, input, TOOL_TIMEOUT);
    }

    /** The last lines of the Dovecot log, for assertion messages. */
    public String logTail() {
        return tail(logFile());
    }

    /**
     * SIGTERM to the master, waits up to 10 s for it and the processes it started, and kills only those if they
     * linger. The instance directory (config, mail homes, log) stays, so that {@link #restart()} can start the
     * same Dovecot again; {@link #close()} deletes it. Stopping a stopped fixture does nothing.
     */
    public synchronized void stop() {
        List<String> lingering = new ArrayList<>();
        if (master != null) {
            List<ProcessHandle> started = master.descendants().toList();
            master.destroy();
            if (!awaitExit(master.toHandle(), STOP_TIMEOUT)) {
                master.destroyForcibly();
                awaitExit(master.toHandle(), STOP_TIMEOUT);
                lingering.add("dovecot " + master.pid());
            }
            for (ProcessHandle process : started) {
                if (!awaitGone(process, Duration.ofSeconds(2))) {
                    String what = process.info().commandLine().orElse("?");
                    process.destroyForcibly();
                    lingering.add(process.pid() + " " + what);
                }
            }
            master = null;
        }
        if (!lingering.isEmpty()) {
            throw new IllegalStateException("had to kill processes that did not stop: " + lingering);
        }
    }

    /** Whether the master runs (started and not {@link #stop() stopped}). */
    public synchronized boolean running() {
        return master != null && master.isAlive();
    }

    /**
     * Starts a {@link #stop() stopped} fixture again: the same config, on the same ports, with the same mail homes,
     * and waits until every listener answers, as a restarted server would. Fails when another process has taken
     * one of its ports in the meantime.
     */
    public synchronized void restart() {
        if (master != null) {
            throw new IllegalStateException("dovecot is running (pid " + master.pid() + "); stop() it first");
        }
        if (!Files.isRegularFile(configFile())) {
            throw new IllegalStateException("the fixture was closed; its config is gone: " + configFile());
        }
        for (int port : listenerPorts()) {
            if (accepts(port)) {
                throw new IllegalStateException("cannot restart: something else answers on 127.0.0.1:" + port);
            }
        }
        try {
            // the stopped master's pid file, if it left one; awaitReady() waits for the new master's
            Files.deleteIfExists(dir.resolve("run/master.pid"));
            long started = System.nanoTime();
            master = startMaster();
            awaitReady();
            startDuration = Duration.ofNanos(System.nanoTime() - started);
        } catch (IOException e) {
            master = null;
            throw new UncheckedIOException("cannot restart dovecot in " + dir, e);
        } catch (RuntimeException e) {
            try {
                stop();
            } catch (RuntimeException ignored) {
                // the start failure is the interesting error
            }
            throw e;
        }
    }

    /** {@link #stop() Stops} Dovecot and deletes the instance directory when the fixture created it. */
    @Override
    public synchronized void close() {
        removeShutdownHook(shutdownHook);
        try {
            stop();
        } finally {
            if (deleteDirOnStop) {
                deleteRecursively(dir);
            }
        }
    }

    // ---------------------------------------------------------------- start

    private void launch() throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            int[] ids = vmailIds();
            prepareDirectories(ids);
            IOException lastBindFailure = null;
            for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                choosePorts();
                writeFiles(ids);
                long started = System.nanoTime();
                master = startMaster();
                try {
                    awaitReady();
                    startDuration = Duration.ofNanos(System.nanoTime() - started);
                    return;
                } catch (IllegalStateException e) {
                    if (master.isAlive() || !tail(logFile()).contains("Address already in use")) {
                        throw e;
                    }
                    lastBindFailure = new IOException(e.getMessage());
                    master = null;
                }
            }
            throw lastBindFailure;
        } catch (RuntimeException | IOException e) {
            closeQuietly();
            throw e;
        }
    }

    private void prepareDirectories(int[] ids) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("instance directory must be empty: " + dir);
                }
            }
        }
        for (String sub : List.of("", "etc", "run", "state", "log", "ssl", "postfix-spool", "postfix-spool/private")) {
            createDirectory(dir.resolve(sub), "rwxr-xr-x");
        }
        requireTraversable(dir);
        Path vmail = createDirectory(vmailRoot(), "rwxr-x---");
        PosixFileAttributeView view = Files.getFileAttributeView(vmail, PosixFileAttributeView.class);
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        view.setOwner(lookup.lookupPrincipalByName(VMAIL));
        view.setGroup(lookup.lookupPrincipalByGroupName(VMAIL));
        ToolResult check = run(List.of(RUNUSER.toString(), "-u", VMAIL, "--", "test", "-w", vmail.toString()),
                new byte[0], TOOL_TIMEOUT);
        if (!check.ok()) {
            throw new IllegalStateException(VMAIL + " cannot write " + vmail + "; every ancestor must be o+x");
        }
    }

    /** Where the fake sendmail records what Dovecot would send, one file per message. */
    public Path outbox() {
        return dir.resolve("outbox");
    }

    private void writeFiles(int[] ids) throws IOException {
        Path etc = dir.resolve("etc");
        Path outbox = createDirectory(outbox(), "rwx------");
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.getFileAttributeView(outbox, PosixFileAttributeView.class).setOwner(users.lookupPrincipalByName(VMAIL));
        createDirectory(dir.resolve("bin"), "rwxr-xr-x");
        write(dir.resolve("bin/sendmail"), "#!/bin/sh\n# records the message instead of sending it\n"
                + "f=$(mktemp " + outbox + "/msg.XXXXXX) && cat > \"$f\"\n", "rwxr-xr-x");
        DovecotFixtureConfig.Settings settings = new DovecotFixtureConfig.Settings(dir, imapPort, lmtpPort,
                sievePort, authPort, quotaStatusPort, ids[0], ids[1], ssl, authFailureDelay, pop3Port);
        write(etc.resolve("dovecot.conf"), DovecotFixtureConfig.dovecotConf(settings), "rw-r--r--");
        write(etc.resolve("90-hostd.conf"), DovecotFixtureConfig.kitConf(settings), "rw-r--r--");
        // read by auth-worker (root); contains no secret but the connect string
        write(etc.resolve("dovecot-sql.conf.ext"), sqlConf(driver, connect, vmailRoot()), "rw-r-----");
        Path masterUsers = etc.resolve("master-users");
        if (!Files.exists(masterUsers)) {
            String hash = Sha2Crypt.sha512Crypt(new String(masterPassword).getBytes(StandardCharsets.UTF_8));
            write(masterUsers, MASTER_USER + ":{SHA512-CRYPT}" + hash + "\n", "rw-r-----");
            // read by the auth process, which runs as dovecot
            Files.getFileAttributeView(masterUsers, PosixFileAttributeView.class)
                    .setGroup(dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("dovecot"));
            for (String service : DovecotFixtureConfig.MASTER_SERVICES) {
                Files.createSymbolicLink(etc.resolve("master-users." + service), Path.of("master-users"));
            }
        }
        if (ssl && !Files.exists(certificate())) {
            generateCertificate();
        }
    }

    private void generateCertificate() {
        Path key = dir.resolve("ssl/key.pem");
        ToolResult r = run(List.of(OPENSSL.toString(), "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", certificate().toString()), new byte[0], TOOL_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("cannot create the test certificate: " + r);
        }
    }

    private Process startMaster() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", configFile().toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/dovecot.out").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("LANG", "C");
        return builder.start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (int port : listenerPorts()) {
            waitUntil(deadline, () -> accepts(port), "listener on 127.0.0.1:" + port);
        }
        for (Path socket : List.of(lmtpSocket(), authSocket())) {
            waitUntil(deadline, () -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket " + socket);
        }
        Path pidFile = dir.resolve("run/master.pid");
        waitUntil(deadline, () -> readPid(pidFile).orElse(-1L) == master.pid(), "master.pid naming " + master.pid());
    }

    private void waitUntil(long deadline, BooleanSupplier ready, String what) {
        while (!ready.getAsBoolean()) {
            if (!master.isAlive()) {
                throw failure("dovecot exited with status " + master.exitValue() + " while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw failure(what + " not ready within " + READY_TIMEOUT.toSeconds() + " s");
            }
            sleep(Duration.ofMillis(10));
        }
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(message + tail(dir.resolve("log/dovecot.out")) + tail(logFile()));
    }

    /** Free ports that nothing answers on (a foreign listener would satisfy the readiness probe). */
    private void choosePorts() throws IOException {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < 6) {
            int port = freePort();
            if (!accepts(port)) {
                ports.add(port);
            }
        }
        int[] p = ports.stream().mapToInt(Integer::intValue).toArray();
        imapPort = p[0];
        lmtpPort = p[1];
        sievePort = p[2];
        authPort = p[3];
        quotaStatusPort = p[4];
        pop3Port = pop3 ? p[5] : 0;
    }

    /** The TCP ports this instance listens on. */
    private int[] listenerPorts() {
        int[] ports = {imapPort, lmtpPort, sievePort, authPort, quotaStatusPort, pop3Port};
        return pop3 ? ports : java.util.Arrays.copyOf(ports, 5);
    }

    // ---------------------------------------------------------------- stop

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            // the start failure is the interesting error
        }
    }

    /**
     * Waits until a process started by the master has exited. Orphans are reaped by PID 1, which in some
     * containers happens late, so a zombie counts as exited ({@link ProcessHandle#isAlive()} says alive).
     */
    private static boolean awaitGone(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && !isZombie(process.pid())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(10));
        }
        return true;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void validateConnect(Driver driver, String connect) {
        if (driver == Driver.SQLITE) {
            requireSafePath(Path.of(connect));
        } else if (!PG_CONNECT.matcher(connect).matches()) {
            throw new IllegalArgumentException("pgsql connect must be space-separated key=value pairs: " + connect);
        }
    }

    private static void requireUsableDir(Path dir) {
        requireSafePath(dir);
        if (dir.toString().length() > MAX_DIR_LENGTH) {
            throw new IllegalArgumentException("instance directory longer than " + MAX_DIR_LENGTH
                    + " characters (unix socket paths would be too long): " + dir);
        }
    }

    /**
     * Dovecot silently creates a missing SQLite file (then every login temp-fails) and its sqlite driver waits
     * only 1 s on locks, which only WAL mode makes safe against hostd's writers. Header bytes 18/19 are 2 in WAL.
     */
    private static void requireWalDatabase(Path db) throws IOException {
        if (!Files.isRegularFile(db, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("SQLite database does not exist (hostd creates it): " + db);
        }
        byte[] header = new byte[20];
        try (InputStream in = Files.newInputStream(db)) {
            if (in.readNBytes(header, 0, header.length) < header.length
                    || !new String(header, 0, 16, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
                throw new IllegalArgumentException("not a SQLite 3 database: " + db);
            }
        }
        if (header[18] != 2 || header[19] != 2) {
            throw new IllegalArgumentException("SQLite database is not in WAL mode (PRAGMA journal_mode=WAL): " + db);
        }
    }

    /** uid and gid of vmail, creating the system user when missing. */
    private static int[] vmailIds() {
        ToolResult id = run(List.of("/usr/bin/id", "-u", VMAIL), new byte[0], TOOL_TIMEOUT);
        if (!id.ok()) {
            ToolResult add = run(List.of(USERADD.toString(), "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", VMAIL), new byte[0], TOOL_TIMEOUT);
            // a concurrent run may have created it in the meantime
            if (!add.ok() && !run(List.of("/usr/bin/id", "-u", VMAIL), new byte[0], TOOL_TIMEOUT).ok()) {
                throw new IllegalStateException("cannot create user " + VMAIL + ": " + add);
            }
            id = run(List.of("/usr/bin/id", "-u", VMAIL), new byte[0], TOOL_TIMEOUT);
        }
        ToolResult gid = run(List.of("/usr/bin/id", "-g", VMAIL), new byte[0], TOOL_TIMEOUT);
        return new int[] {Integer.parseInt(id.stdout().strip()), Integer.parseInt(gid.stdout().strip())};
    }

    /** Runs a program with an argument array and a timeout; stdout and stderr go through temp files. */
    private static ToolResult run(List<String> argv, byte[] input, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("hostctl-dc-out", ".txt");
            err = Files.createTempFile("hostctl-dc-err", ".txt");
            Process process = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            return new ToolResult(List.copyOf(argv), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void requireTraversable(Path dir) throws IOException {
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalArgumentException(VMAIL + " cannot traverse " + p + " (no o+x) on the way to " + dir
                        + "; use a directory under /tmp, not inside a JUnit @TempDir");
            }
        }
    }





    private static void write(Path file, String text, String mode) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private static Path createDirectory(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    private static void requireSafePath(Path path) {
        if (!SAFE_PATH.matcher(path.toString()).matches()) {
            throw new IllegalArgumentException("path must match " + SAFE_PATH + " (it is written into configs): "
                    + path);
        }
    }


    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Dovecot", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temp file does no harm
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(DovecotFixture::deleteQuietly);
            } catch (IOException | UncheckedIOException e) {
                // a file vanished during the walk; try again
            }
        }
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
