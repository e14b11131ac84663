package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.grantTraversal;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.runningAsRoot;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Postfix on 127.0.0.1 that routes mail for hostd's hosted domains straight from hostd's SQL tables
 * ({@code domain}, {@code mailbox}, {@code alias}), through {@code sqlite:} or {@code pgsql:} lookup tables, and
 * delivers accepted mail over LMTP to {@code 127.0.0.1:<lmtpPort>} (Dovecot's LMTP in production, an
 * {@link LmtpSink} in tests).
 *
 * <p>Everything lives under the run directory: {@code etc/} (main.cf, master.cf, the map {@code .cf} files;
 * {@code config_directory}), {@code spool/} ({@code queue_directory}), {@code data/} ({@code data_directory}) and
 * {@code log/maillog} ({@code maillog_file}, written by postlogd; no syslog). smtpd listens on 127.0.0.1 and a
 * free port only; {@code mydestination}, {@code relay_domains} and {@code mynetworks} are empty, so only hosted
 * domains are accepted and nothing is relayed; no service is chrooted (Debian's stock master.cf chroots smtpd,
 * lmtp and others into the spool). Postfix needs root to start; its daemons then run as {@code postfix}, which is
 * why lookups need read access to the database (see {@link #shareSqliteWithPostfix(Path)}).
 *
 * <pre>{@code
 * PostfixFixture.assumeAvailable();
 * try (LmtpSink sink = LmtpSink.start();
 *      PostfixFixture postfix = PostfixFixture.start(tmp.resolve("postfix"), Backend.sqlite(db), sink.port())) {
 *     SmtpClient.send(postfix.smtpPort(), "alice@remote.test", List.of("info@example.test"), message);
 *     sink.await("info@example.test", messageId, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class PostfixFixture implements AutoCloseable {

    static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    static final Path SENDMAIL = Path.of("/usr/sbin/sendmail");
    static final Path DAEMON_DIRECTORY = Path.of("/usr/lib/postfix/sbin");
    static final Path SHLIB_DIRECTORY = Path.of("/usr/lib/postfix");
    static final String POSTFIX_USER = "postfix";
    static final String POSTDROP_GROUP = "postdrop";
    /** Queue subdirectories owned by {@code postfix}, mode 0700 (from Postfix's postfix-files). */
    private static final List<String> QUEUE_SUBDIRECTORIES = List.of("active", "bounce", "corrupt", "defer",
            "deferred", "flush", "hold", "incoming", "private", "saved", "trace");
    static final String MY_HOSTNAME = "mx.hostd.test";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    /** Characters allowed in paths written into configs (no quoting needed). */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    /** Longest run directory: the longest unix socket is {@code spool/private/proxywrite}, limit 107 bytes. */
    private static final int MAX_RUN_DIR_LENGTH = 80;

    /** The three lookups Postfix makes in hostd's tables. */
    public enum Table {
        /** {@code virtual_mailbox_domains}: is the domain hosted here. */
        DOMAINS("virtual_mailbox_domains", "domains",
                "SELECT 1 FROM domain WHERE name='%s'"),
        /** {@code virtual_mailbox_maps}: does the mailbox exist (active, not deleted). */
        MAILBOXES("virtual_mailbox_maps", "mailboxes",
                "SELECT 1 FROM mailbox WHERE email='%s' AND active=1 AND deleted_at IS NULL"),
        /**
         * {@code virtual_alias_maps}: the destinations of an alias, one row each; Postfix joins multiple rows with
         * commas, so no {@code group_concat}/{@code string_agg} is needed and the query is the same on SQLite and
         * PostgreSQL.
         */
        ALIASES("virtual_alias_maps", "aliases",
                "SELECT destination FROM alias WHERE source='%s'");

        private final String parameter;
        private final String shortName;
        private final String query;

        Table(String parameter, String shortName, String query) {
            this.parameter = parameter;
            this.shortName = shortName;
            this.query = query;
        }

        /** The main.cf parameter this table is used for, e.g. {@code virtual_mailbox_maps}. */
        public String parameter() {
            return parameter;
        }

        /** The {@code query} line's value; identical for SQLite and PostgreSQL. */
        public String query() {
            return query;
        }

        /** File name of this table's .cf, as the provider kit names it, e.g. {@code hostd-mailboxes.cf}. */
        public String fileName(String mapType) {
            return "hostd-" + shortName + ".cf";
        }
    }

    /** Where hostd's tables are: an SQLite file or a PostgreSQL database. */
    public sealed interface Backend permits Sqlite, Pgsql {
        /** Postfix's map type: {@code sqlite} or {@code pgsql}. */
        String mapType();

        /** Contents of the .cf file for {@code table}. */
        String mapFile(Table table);

        static Sqlite sqlite(Path db) {
            return new Sqlite(db.toAbsolutePath().normalize());
        }

        /** A database on 127.0.0.1:{@code port}, no password (trust authentication). */
        static Pgsql pgsql(int port, String dbname, String user) {
            return new Pgsql("127.0.0.1:" + port, dbname, user, null);
        }
    }

    /** hostd's SQLite database file. */
    public record Sqlite(Path db) implements Backend {
        @Override
        public String mapType() {
            return "sqlite";
        }

        @Override
        public String mapFile(Table table) {
            return sqliteMap(table, db, db.getParent());
        }
    }

    /** hostd's PostgreSQL database; {@code password} may be null. */
    public record Pgsql(String hosts, String dbname, String user, String password) implements Backend {
        @Override
        public String mapType() {
            return "pgsql";
        }

        @Override
        public String mapFile(Table table) {
            return pgsqlMap(table, hosts, dbname, user, password);
        }
    }

    // ---------------------------------------------------------------- config text (also documented in README)

    /**
     * The sqlite_table(5) file for {@code table}: the provider kit's {@code hostd-<table>.cf} with {@code dbpath}
     * {@code db}; fails unless its query is {@link Table#query()}.
     */
    public static String sqliteMap(Table table, Path db, Path configDirectory) {
        String file = table.fileName("sqlite");
        String text = ProviderKit.render("postfix/" + file, Map.of(
                "SQLITE_DB", db.toString(),
                "POSTFIX_ETC", configDirectory.toString()));
        if (!text.contains("\nquery = " + table.query() + "\n")) {
            throw new IllegalStateException("provider/postfix/" + file + " does not query " + table.query());
        }
        return text;
    }

    /**
     * The pgsql_table(5) file for {@code table}: {@code hosts} (e.g. {@code 127.0.0.1:5432}), {@code user},
     * {@code password} (line omitted when null), {@code dbname}, {@code query}.
     */
    public static String pgsqlMap(Table table, String hosts, String dbname, String user, String password) {
        return "hosts = " + hosts + "\n"
                + "user = " + user + "\n"
                + (password == null ? "" : "password = " + password + "\n")
                + "dbname = " + dbname + "\n"
                + "query = " + table.query() + "\n";
    }

    /**
     * The provider kit's main.cf lines: the three maps (files in {@code configDirectory}, named by
     * {@link Table#fileName}), {@code virtual_transport} to LMTP on 127.0.0.1:{@code lmtpPort} and
     * {@code maillog_file}.
     */
    public static String mainCfKit(String mapType, Path configDirectory, int lmtpPort, Path maillog) {
        return ProviderKit.render("postfix/main.cf.hostd", Map.of(
                "POSTFIX_ETC", configDirectory.toString(),
                "MAP_TYPE", mapType,
                "LMTP_PORT", Integer.toString(lmtpPort),
                "MAILLOG", maillog.toString()));
    }

    /** The complete main.cf of the private instance in {@code runDir}. */
    public static String mainCf(Path runDir, String mapType, int lmtpPort) {
        return mainCf(runDir, mapType, lmtpPort, MY_HOSTNAME);
    }

    /** Like {@link #mainCf(Path, String, int)}, for a host named {@code myHostname}. */
    static String mainCf(Path runDir, String mapType, int lmtpPort, String myHostname) {
        return """
                compatibility_level = 3.6
                queue_directory = %1$s/spool
                data_directory = %1$s/data
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = %2$s
                mydomain = hostd.test
                myorigin = $myhostname
                mydestination =
                local_recipient_maps =
                alias_maps =
                alias_database =
                relay_domains =
                mynetworks =
                smtpd_peername_lookup = no
                smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
                smtpd_recipient_restrictions = reject_unlisted_recipient
                default_transport = error:5.7.1 outbound mail is disabled on this test instance
                relay_transport = $default_transport
                queue_run_delay = 2s
                minimal_backoff_time = 2s
                maximal_backoff_time = 4s
                lmtp_connect_timeout = 5s
                biff = no
                """.formatted(runDir, myHostname)
                + mainCfKit(mapType, runDir.resolve("etc"), lmtpPort, runDir.resolve("log/maillog"));
    }

    /** A {@code transport_maps} line with an inline map of {@code transports}; empty when there are none. */
    static String transportMaps(Map<String, String> transports) {
        if (transports.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("transport_maps = inline:{");
        transports.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(t -> text.append(" { ").append(t.getKey()).append(" = ").append(t.getValue()).append(" },"));
        text.setLength(text.length() - 1);
        return text.append(" }\n").toString();
    }

    /**
     * The complete master.cf: smtpd on 127.0.0.1:{@code smtpPort}, nothing chrooted, the kit's postlogd for
     * maillog_file and, with a {@code saslPath}, its submission service on 127.0.0.1:{@code submissionPort}.
     */
    public static String masterCf(int smtpPort, int submissionPort, String saslPath) {
        return """
                # service type  private unpriv  chroot  wakeup  maxproc command
                127.0.0.1:%d inet n     -       n       -       -       smtpd
                pickup    unix  n       -       n       60      1       pickup
                cleanup   unix  n       -       n       -       0       cleanup
                qmgr      unix  n       -       n       300     1       qmgr
                rewrite   unix  -       -       n       -       -       trivial-rewrite
                bounce    unix  -       -       n       -       0       bounce
                defer     unix  -       -       n       -       0       bounce
                trace     unix  -       -       n       -       0       bounce
                verify    unix  -       -       n       -       1       verify
                flush     unix  n       -       n       1000?   0       flush
                proxymap  unix  -       -       n       -       -       proxymap
                proxywrite unix -       -       n       -       1       proxymap
                showq     unix  n       -       n       -       -       showq
                error     unix  -       -       n       -       -       error
                retry     unix  -       -       n       -       -       error
                discard   unix  -       -       n       -       -       discard
                lmtp      unix  -       -       n       -       -       lmtp
                smtp      unix  -       -       n       -       -       smtp
                anvil     unix  -       -       n       -       1       anvil
                scache    unix  -       -       n       -       1       scache
                """.formatted(smtpPort) + kitServices(submissionPort, saslPath);
    }

    /**
     * The service lines of the kit's master.cf.hostd: postlogd for maillog_file, and its submission service on
     * 127.0.0.1:{@code submissionPort} when {@code saslPath} is given (else left out).
     */
    static String kitServices(int submissionPort, String saslPath) {
        StringBuilder out = new StringBuilder();
        boolean inSubmission = false;
        for (String line : ProviderKit.read("postfix/master.cf.hostd").lines().toList()) {
            if (line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith(" ")) {
                inSubmission = line.startsWith("submission ");
            }
            if (inSubmission && saslPath == null) {
                continue;
            }
            out.append(line).append('\n');
        }
        String text = saslPath == null ? ProviderKit.fill(out.toString(), Map.of(), "postfix/master.cf.hostd")
                : ProviderKit.fill(out.toString(), Map.of("SASL_PATH", saslPath), "postfix/master.cf.hostd");
        if (saslPath != null && !text.contains("\nsubmission inet ")) {
            throw new IllegalStateException("postfix/master.cf.hostd has no submission service");
        }
        return text.replace("\nsubmission inet ", "\n127.0.0.1:" + submissionPort + " inet ");
    }

    // ---------------------------------------------------------------- availability

    /** True when Postfix with the sqlite and pgsql map plugins is installed and this JVM runs as root. */
    public static boolean available() {
        return missingComponents().isEmpty();
    }

    /** What {@link #available()} found missing; empty when everything is there. */
    public static List<String> missingComponents() {
        List<String> missing = new ArrayList<>();
        Stream.of(POSTFIX, DAEMON_DIRECTORY.resolve("master"), DAEMON_DIRECTORY.resolve("smtpd"),
                        DAEMON_DIRECTORY.resolve("postlogd"))
                .filter(p -> !Files.isExecutable(p))
                .forEach(p -> missing.add(p.toString()));
        Stream.of(SHLIB_DIRECTORY.resolve("postfix-sqlite.so"), SHLIB_DIRECTORY.resolve("postfix-pgsql.so"))
                .filter(p -> !Files.isRegularFile(p))
                .forEach(p -> missing.add(p.toString()));
        if (lookupUser(POSTFIX_USER).isEmpty()) {
            missing.add("user " + POSTFIX_USER);
        }
        if (!runningAsRoot()) {
            missing.add("root (postfix start needs it)");
        }
        return missing;
    }

    /**
     * Skips the calling test when the fixture is not {@link #available()}, but fails it when the environment
     * variable {@code CI} is {@code true}, so that CI cannot pass without running these tests.
     */
    public static void assumeAvailable() {
        FixtureSupport.assumeComplete("Postfix", missingComponents());
    }

    /**
     * Lets Postfix's lookups (run as user {@code postfix}) read an SQLite database in WAL mode: the database's
     * directory gets group {@code postfix} with {@code rwx} and the set-group-ID bit, the file and any existing
     * {@code -wal}/{@code -shm} siblings group {@code postfix} with {@code rw}. Read access alone is not enough:
     * a WAL reader must create {@code -wal}/{@code -shm} when no other connection has the database open (else
     * {@code attempt to write a readonly database}); SQLite creates them with the database file's mode, and the
     * set-group-ID directory gives them group {@code postfix}. Ancestors under the temporary directory get o+x.
     * Without this, trivial-rewrite (user postfix) dies with {@code SQL prepare failed: attempt to write a readonly
     * database} and smtpd stalls on "problem talking to service rewrite". Outside tests hostd runs as its own
     * user: use a group both hostd's user and {@code postfix} belong to, since a {@code -shm} created by one side
     * must stay writable by the other.
     */
    public static void shareSqliteWithPostfix(Path db) throws IOException {
        Path file = db.toAbsolutePath().normalize();
        Path dir = file.getParent();
        grantTraversal(dir, POSTFIX_USER);
        GroupPrincipal group = lookup().lookupPrincipalByGroupName(POSTFIX_USER);
        Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
        Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(dir);
        dirPerms.addAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE));
        Files.setPosixFilePermissions(dir, dirPerms);
        setGid(dir);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path f = Path.of(file + suffix);
            if (Files.exists(f)) {
                Files.getFileAttributeView(f, PosixFileAttributeView.class).setGroup(group);
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                perms.addAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE));
                Files.setPosixFilePermissions(f, perms);
            }
        }
    }

    // ---------------------------------------------------------------- instance

    private final Path runDir;
    private final Backend backend;
    private final int lmtpPort;
    private final Map<String, String> transports;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "postfix-fixture-stop");
    private int smtpPort;
    private int submissionPort;
    private String saslPath;
    private String myHostname = MY_HOSTNAME;
    private boolean mailRoutes;
    private long masterPid = -1;
    private Duration startDuration;

    private PostfixFixture(Path runDir, Backend backend, int lmtpPort, Map<String, String> transports) {
        this.runDir = runDir;
        this.backend = backend;
        this.lmtpPort = lmtpPort;
        this.transports = transports;
    }

    /**
     * Writes the configuration into {@code runDir} (empty or missing; at most 80 characters) and starts Postfix.
     * For an SQLite backend the database must already be readable by user {@code postfix}
     * ({@link #shareSqliteWithPostfix(Path)}).
     */
    public static PostfixFixture start(Path runDir, Backend backend, int lmtpPort) throws IOException {
        return start(runDir, backend, lmtpPort, Map.of());
    }

    /**
     * Like {@link #start(Path, Backend, int)}, with {@code transport_maps} routing each key of {@code transports}
     * (a domain) to its value, e.g. {@code smtp:[127.0.0.1]:10029} or {@code error:5.1.2 domain gone}; values must
     * not contain braces. Mail for such a domain reaches the queue only through {@link #sendmail}: smtpd does not
     * relay for unauthenticated clients and refuses {@code error:} routes at RCPT.
     */
    public static PostfixFixture start(Path runDir, Backend backend, int lmtpPort, Map<String, String> transports)
            throws IOException {
        for (Map.Entry<String, String> t : transports.entrySet()) {
            if ((t.getKey() + t.getValue()).matches(".*[{}\\n].*")) {
                throw new IllegalArgumentException("transport entry with a brace or newline: " + t);
            }
        }
        Path dir = runDir.toAbsolutePath().normalize();
        requireSafePath(dir);
        if (dir.toString().length() > MAX_RUN_DIR_LENGTH) {
            throw new IllegalArgumentException("run directory longer than " + MAX_RUN_DIR_LENGTH
                    + " characters (unix socket paths under spool/ would be too long): " + dir);
        }
        if (backend instanceof Sqlite sqlite) {
            requireSafePath(sqlite.db());
        }
        if (lmtpPort < 1 || lmtpPort > 65535) {
            throw new IllegalArgumentException("invalid LMTP port: " + lmtpPort);
        }
        PostfixFixture fixture = new PostfixFixture(dir, backend, lmtpPort, Map.copyOf(transports));
        fixture.launch();
        return fixture;
    }

    /**
     * Like {@link #start(Path, Backend, int)}, with the kit's {@code hostd-transport.cf} as {@code transport_maps}:
     * each domain with a {@code mail_route} transport goes where hostd routes it (one Postfix in front of several
     * backends), the others to LMTP on {@code lmtpPort}.
     */
    public static PostfixFixture startWithMailRoutes(Path runDir, Sqlite backend, int lmtpPort) throws IOException {
        PostfixFixture fixture = new PostfixFixture(runDir.toAbsolutePath().normalize(), backend, lmtpPort, Map.of());
        fixture.mailRoutes = true;
        requireSafePath(fixture.runDir);
        requireSafePath(backend.db());
        fixture.launch();
        return fixture;
    }

    /** The kit's {@code hostd-transport.cf} for an SQLite store. */
    static String transportMap(Path db, Path configDirectory) {
        return ProviderKit.render("postfix/hostd-transport.cf", Map.of("SQLITE_DB", db.toString(),
                "POSTFIX_ETC", configDirectory.toString(), "MAP_TYPE", "sqlite"));
    }

    /**
     * Like {@link #start(Path, Backend, int, Map)}, for a host named {@code myHostname} (one of several mail hosts:
     * its log names it by the first label, and a relay between two needs different names, or Postfix sees a loop).
     */
    public static PostfixFixture start(Path runDir, Backend backend, int lmtpPort, Map<String, String> transports,
            String myHostname) throws IOException {
        if (!myHostname.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("invalid host name: " + myHostname);
        }
        PostfixFixture fixture = new PostfixFixture(runDir.toAbsolutePath().normalize(), backend, lmtpPort,
                Map.copyOf(transports));
        fixture.myHostname = myHostname;
        requireSafePath(fixture.runDir);
        fixture.launch();
        return fixture;
    }

    /**
     * Like {@link #start(Path, Backend, int)}, with the kit's submission service on 127.0.0.1:{@link #submissionPort()}
     * (STARTTLS with a fresh self-signed certificate, then SASL through Dovecot at {@code saslPath}, e.g.
     * {@code inet:127.0.0.1:<Dovecot's auth port>}).
     */
    public static PostfixFixture startWithSubmission(Path runDir, Backend backend, int lmtpPort, String saslPath)
            throws IOException {
        if (!saslPath.matches("[A-Za-z0-9:./_-]+")) {
            throw new IllegalArgumentException("invalid SASL path: " + saslPath);
        }
        Path dir = runDir.toAbsolutePath().normalize();
        PostfixFixture fixture = new PostfixFixture(dir, backend, lmtpPort, Map.of());
        fixture.saslPath = saslPath;
        requireSafePath(dir);
        fixture.launch();
        return fixture;
    }

    /** Port of the submission service, 0 without one. */
    public int submissionPort() {
        return submissionPort;
    }

    public Path runDir() {
        return runDir;
    }

    /** Postfix's {@code config_directory} ({@code postfix -c}, {@code postconf -c}, {@code postqueue -c}). */
    public Path configDirectory() {
        return runDir.resolve("etc");
    }

    public Path queueDirectory() {
        return runDir.resolve("spool");
    }

    public Path maillog() {
        return runDir.resolve("log/maillog");
    }

    public Backend backend() {
        return backend;
    }

    /** smtpd's port on 127.0.0.1. */
    public int smtpPort() {
        return smtpPort;
    }

    public int lmtpPort() {
        return lmtpPort;
    }

    /** PID of Postfix's master process. */
    public long masterPid() {
        return masterPid;
    }

    /** Wall time of the successful {@code postfix start} plus the readiness wait. */
    public Duration startDuration() {
        return startDuration;
    }

    /** A new SMTP connection to smtpd. */
    public SmtpClient connect() {
        return SmtpClient.connect(smtpPort);
    }

    /** The current maillog. */
    public String log() {
        return read(maillog());
    }

    /** The last lines of the maillog, for failure messages. */
    public String logTail() {
        return tail(maillog());
    }

    /**
     * Submits {@code message} locally, as {@code sendmail -C <config dir> -f sender -- recipients} with the message
     * on stdin (run as root, so pickup logs {@code uid=0}); returns sendmail's exit code and output.
     */
    public Result sendmail(String sender, List<String> recipients, String message) {
        List<String> argv = new ArrayList<>(List.of(SENDMAIL.toString(), "-C", configDirectory().toString(), "-f",
                sender, "--"));
        argv.addAll(recipients);
        try {
            Path input = Files.createTempFile(runDir, "sendmail", ".eml");
            Files.writeString(input, message, StandardCharsets.UTF_8);
            try {
                return run(argv, ProcessBuilder.Redirect.from(input.toFile()), "sendmail");
            } finally {
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        }
    }

    /**
     * {@code postfix stop}, then waits for the master and the processes it had started to exit; kills only those
     * if they linger.
     */
    public synchronized void stop() {
        removeShutdownHook(shutdownHook);
        if (masterPid <= 0) {
            return;
        }
        Optional<ProcessHandle> master = ProcessHandle.of(masterPid);
        List<ProcessHandle> started = master.map(m -> m.descendants().toList()).orElse(List.of());
        List<String> lingering = new ArrayList<>();
        Result result = postfix("stop");
        if (master.isPresent() && !awaitExit(master.get(), STOP_TIMEOUT)) {
            master.get().destroyForcibly();
            awaitExit(master.get(), STOP_TIMEOUT);
            lingering.add("master " + masterPid);
        }
        for (ProcessHandle process : started) {
            if (!awaitExit(process, Duration.ofSeconds(2))) {
                process.destroyForcibly();
                lingering.add("child " + process.pid());
            }
        }
        masterPid = -1;
        if (!lingering.isEmpty()) {
            throw new IllegalStateException("had to kill Postfix processes that did not stop: " + lingering
                    + " (" + result.describe() + ")" + logTail());
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------- start

    private void launch() throws IOException {
        long begin = System.nanoTime();
        prepareDirectories();
        for (Table table : Table.values()) {
            writeConfig(configDirectory().resolve(table.fileName(backend.mapType())), backend.mapFile(table));
        }
        String routes = "";
        if (mailRoutes) {
            Path file = configDirectory().resolve("hostd-transport.cf");
            writeConfig(file, transportMap(((Sqlite) backend).db(), configDirectory()));
            routes = "transport_maps = sqlite:" + file + "\n";
        }
        writeConfig(configDirectory().resolve("main.cf"), mainCf(runDir, backend.mapType(), lmtpPort, myHostname)
                + transportMaps(transports) + routes + (saslPath == null ? "" : tls()));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            Result last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                smtpPort = freePort();
                submissionPort = saslPath == null ? 0 : freePort();
                writeConfig(configDirectory().resolve("master.cf"), masterCf(smtpPort, submissionPort, saslPath));
                last = postfix("start");
                if (last.exitCode() == 0) {
                    break;
                }
                if (!(last.output() + read(maillog())).contains("Address already in use")) {
                    break;
                }
            }
            if (last.exitCode() != 0) {
                throw failure("postfix start failed (" + last.describe() + ")\n" + postfix("check").describe());
            }
            awaitReady();
            startDuration = Duration.ofNanos(System.nanoTime() - begin);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    private void prepareDirectories() throws IOException {
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> entries = Files.list(runDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("run directory must be empty: " + runDir);
                }
            }
        }
        // postfix-script refuses group/world-writable paths; the postfix user must traverse all of them.
        for (Path dir : List.of(runDir, configDirectory(), queueDirectory(), runDir.resolve("log"))) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        grantTraversal(runDir, POSTFIX_USER);
        UserPrincipal postfix = lookup().lookupPrincipalByName(POSTFIX_USER);
        GroupPrincipal postdrop = lookup().lookupPrincipalByGroupName(POSTDROP_GROUP);
        createOwned(runDir.resolve("data"), postfix, null, "rwx------");
        for (String name : QUEUE_SUBDIRECTORIES) {
            createOwned(queueDirectory().resolve(name), postfix, null, "rwx------");
        }
        createOwned(queueDirectory().resolve("maildrop"), postfix, postdrop, "rwx-wx---");
        createOwned(queueDirectory().resolve("public"), postfix, postdrop, "rwx--x---");
        createOwned(queueDirectory().resolve("pid"), null, null, "rwxr-xr-x");
        // The tree above is what postfix-script's check-fatal (post-install create-missing, postsuper queue scan)
        // would create and verify on a fresh queue; skipping those checks saves about 1 s (several s on a busy
        // machine). On a failed start, "postfix check" output is added to the error.
        Files.createFile(queueDirectory().resolve("quick-start"));
    }

    private static void createOwned(Path dir, UserPrincipal owner, GroupPrincipal group, String mode)
            throws IOException {
        Files.createDirectory(dir);
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (owner != null) {
            view.setOwner(owner);
        }
        if (group != null) {
            view.setGroup(group);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    }

    /** A self-signed certificate for STARTTLS and the main.cf lines naming it. */
    private String tls() throws IOException {
        Path key = configDirectory().resolve("tls-key.pem");
        Path cert = configDirectory().resolve("tls-cert.pem");
        Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + MY_HOSTNAME,
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot create the test certificate: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return "smtpd_tls_cert_file = " + cert + "\nsmtpd_tls_key_file = " + key + "\n";
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Path pidFile = queueDirectory().resolve("pid/master.pid");
        while (true) {
            Optional<Long> pid = readPid(pidFile);
            boolean alive = pid.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
            if (alive) {
                masterPid = pid.get();
            }
            if (alive && accepts(smtpPort) && Files.exists(queueDirectory().resolve("public/pickup"))) {
                return;
            }
            if (pid.isPresent() && !alive) {
                throw failure("Postfix master " + pid.get() + " exited");
            }
            if (System.nanoTime() > deadline) {
                throw failure("Postfix not ready within " + READY_TIMEOUT.toSeconds() + " s (master.pid "
                        + pid.map(String::valueOf).orElse("missing") + ", smtpd on 127.0.0.1:" + smtpPort + ")");
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private Result postfix(String action) {
        List<String> argv = List.of(POSTFIX.toString(), "-c", configDirectory().toString(), action);
        return run(argv, ProcessBuilder.Redirect.from(new File("/dev/null")), "postfix-" + action);
    }

    private Result run(List<String> argv, ProcessBuilder.Redirect input, String name) {
        Path output = runDir.resolve("log/" + name + ".out");
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(runDir.toFile())
                .redirectInput(input)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C");
        try {
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw failure(String.join(" ", argv) + " did not finish within " + COMMAND_TIMEOUT.toSeconds()
                        + " s\n" + read(output));
            }
            return new Result(argv, process.exitValue(), read(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        }
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(message + logTail());
    }

    // ---------------------------------------------------------------- stop

    private void stopQuietly() {
        try {
            if (masterPid <= 0) {
                // start failed before the PID was known: stop whatever this run directory's master is
                readPid(queueDirectory().resolve("pid/master.pid")).ifPresent(pid -> masterPid = pid);
            }
            stop();
        } catch (RuntimeException e) {
            // the start failure is the interesting error
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

    /** A command's argv, exit code and combined output. */
    public record Result(List<String> argv, int exitCode, String output) {
        String describe() {
            return String.join(" ", argv) + " exited " + exitCode + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    /**
     * Config files are root-owned and not world-readable (a pgsql map may hold a password). Their modification
     * time is set a minute back: Postfix re-reads a main.cf modified within the last second, in 300 ms steps,
     * until it has settled, which otherwise adds about 2 s to every start.
     */
    private static void writeConfig(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.getFileAttributeView(file, PosixFileAttributeView.class)
                .setGroup(lookup().lookupPrincipalByGroupName(POSTFIX_USER));
    }





    private static Optional<UserPrincipal> lookupUser(String name) {
        try {
            return Optional.of(lookup().lookupPrincipalByName(name));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static UserPrincipalLookupService lookup() {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService();
    }

    private static void setGid(Path dir) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        Files.setAttribute(dir, "unix:mode", mode | 02000);
    }

    /**
     * Lets the postfix user reach {@code dir}: adds search permission for others on it and its ancestors. Only
     * directories under the temporary directory are changed; elsewhere this fails instead.
     */
    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }


    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Postfix", e);
        }
    }

    private static void requireSafePath(Path path) {
        if (!SAFE_PATH.matcher(path.toString()).matches()) {
            throw new IllegalArgumentException("path must match " + SAFE_PATH + " (it is written into configs): "
                    + path);
        }
    }
}
