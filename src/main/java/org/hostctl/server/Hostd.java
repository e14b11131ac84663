package org.hostctl.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.hostctl.server.auth.TokenSecrets;
import org.hostctl.server.config.ConfigFile;
import org.hostctl.server.config.DataDirectory;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.http.HttpApi;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.service.AccountService;
import org.hostctl.server.service.PhpService;
import org.hostctl.server.service.TokenService;
import org.hostctl.server.service.UnixUserService;
import org.hostctl.server.socket.LocalSocket;
import org.hostctl.server.store.UnixUserRepository;
import org.hostctl.server.store.AccountRepository;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.TokenRepository;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.mail.MailUsage;
import org.hostctl.server.mail.Passwords;
import org.hostctl.server.service.AliasService;
import org.hostctl.server.service.AutoreplyService;
import org.hostctl.server.service.MailboxService;
import org.hostctl.api.Sizes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hostctl.server.service.SieveService;
import org.hostctl.server.sieve.DirectoryBackend;
import org.hostctl.server.sieve.MailHomes;
import org.hostctl.server.sieve.MaildirFolders;
import org.hostctl.server.sieve.ManageSieveBackend;
import org.hostctl.server.sieve.ManageSieveClient;
import org.hostctl.server.sieve.SieveBackend;
import org.hostctl.server.sieve.SieveBackendFactory;
import org.hostctl.server.sieve.SieveBackends;
import org.hostctl.server.sieve.SieveTools;
import org.hostctl.server.sieve.VacationScript;
import org.hostctl.server.sieve.policy.PolicedBackend;
import org.hostctl.server.sieve.policy.ScriptPolicy;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.maillog.Correlators;
import org.hostctl.server.maillog.LogCorrelator;
import org.hostctl.server.maillog.MailLogIngestor;
import org.hostctl.server.maillog.MailLogSink;
import org.hostctl.server.service.MailLogService;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.server.service.StatusService;
import org.hostctl.server.status.Check;
import org.hostctl.server.status.GreetingProbe;
import org.hostctl.server.status.HealthMonitor;
import org.hostctl.server.status.HttpProbe;
import org.hostctl.server.status.MailBackends;
import org.hostctl.server.status.MailLogProbe;
import org.hostctl.server.status.StoreProbe;
import org.hostctl.server.store.StatusRepository;
import org.slf4j.LoggerFactory;

/** hostd assembled from a data directory: configuration, store, services and the HTTP API. */
public final class Hostd implements AutoCloseable {
    /** Name of the SQLite file of the embedded default store. */
    public static final String SQLITE_FILE = "hostd.db";

    private final HostdConfig config;
    private final Database db;
    private final AccountService accounts;
    private final TokenService tokens;
    private final UnixUserService unixUsers;
    private final PhpService php;
    private final MailboxService mailboxes;
    private final AliasService aliases;
    private final AutoreplyService autoreplies;
    private final SieveService sieve;
    private final org.hostctl.server.service.DomainMover domainMover;
    private final MailLogRepository mailLogStore;
    private final MailLogService mailLog;
    private final MailBackends mailBackends;
    private final StatusRepository statusStore;
    private final StatusService status;
    private final Function<MailLogSink, LogCorrelator> correlators;
    private final Path dataDir;
    private final Clock clock;
    private HttpApi http;
    private ScheduledExecutorService scheduler;
    private MailLogIngestor ingestor;
    private HealthMonitor monitor;

    private Hostd(HostdConfig config, Path dataDir, Database db, Clock clock,
            Plugins plugins) {
        this.config = config;
        this.db = db;
        this.dataDir = dataDir;
        this.clock = clock;
        this.correlators = plugins.correlators();
        PhpCatalog catalog = new PhpCatalog(config.php(), clock);
        AccountRepository accountRepo = new AccountRepository(db);
        this.accounts = new AccountService(accountRepo, catalog, clock);
        this.tokens = new TokenService(new TokenRepository(db), accountRepo, new TokenSecrets(new SecureRandom()),
                config.auth().defaultExpiry(), clock);
        this.unixUsers = new UnixUserService(new UnixUserRepository(db), accountRepo);
        this.php = new PhpService(accounts, catalog, config.verifyTimeout(), config.web().connectHost());
        HostdConfig.Mail m = config.mail();
        MailRepository mailRepo = new MailRepository(db);
        org.hostctl.server.store.MailRouteRepository routeRepo = new org.hostctl.server.store.MailRouteRepository(db);
        Function<String, java.util.Optional<String>> moved = routeRepo::movedTo;
        this.mailBackends = new MailBackends(config).withMoves(moved);
        routeRepo.replaceAll(org.hostctl.server.service.MailStores.routes(m.backends(), routeRepo.moves()));
        HostdConfig.Status st = config.status();
        if (st.intervalSeconds() < 2 || st.timeoutSeconds() < 1 || st.slowMillis() < 1 || st.maillogLagSeconds() < 1
                || st.historyDays() < 1 || st.historyDays() > 3650) {
            throw new IllegalArgumentException("status: intervalSeconds must be at least 2; timeoutSeconds,"
                    + " slowMillis and maillogLagSeconds at least 1; historyDays 1-3650");
        }
        this.statusStore = new StatusRepository(db);
        this.status = new StatusService(statusStore, mailRepo, accountRepo, mailBackends, st.historyDays(), clock);
        long defaultQuota;
        try {
            defaultQuota = Sizes.parse(m.defaultQuota());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mail.defaultQuota: " + e.getMessage(), e);
        }
        if (m.retentionDays() < 0) {
            throw new IllegalArgumentException("mail.retentionDays cannot be negative");
        }
        MailUsage maildirs = new MailUsage(dataDir.resolve(m.root()));
        org.hostctl.server.service.MailStores stores = org.hostctl.server.service.MailStores
                .of(m.backends(), dataDir, maildirs, Duration.ofSeconds(st.timeoutSeconds() * 2L)).withMoves(moved);
        this.mailboxes = new MailboxService(mailRepo, accounts, new Passwords(m.passwordScheme()), maildirs,
                Duration.ofDays(m.retentionDays()), defaultQuota, clock, status, stores);
        this.aliases = new AliasService(mailRepo, mailboxes, clock);
        HostdConfig.Sieve sc = mailBackends.sieveConfig();
        if (sc.toolTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("sieve.toolTimeoutSeconds must be at least 1");
        }
        HostdConfig.SievePolicy policy = sc.policy();
        if (policy.maxScriptBytes() < 1 || policy.maxScriptBytes() > DirectoryBackend.MAX_SCRIPT_BYTES
                || policy.maxScripts() < 1 || policy.vacationMinDays() < 1 || policy.maxTestMessageBytes() < 1) {
            throw new IllegalArgumentException("sieve.policy: maxScriptBytes must be 1-" + DirectoryBackend.MAX_SCRIPT_BYTES
                    + "; maxScripts, vacationMinDays and maxTestMessageBytes at least 1");
        }
        SieveTools tools = SieveTools.of(sc.sievec(), sc.sieveTest(), Duration.ofSeconds(sc.toolTimeoutSeconds()));
        MailHomes homes = new MailHomes(mailRepo, mailboxes.mailRoot());
        // every backend checks the policy before it validates or stores a script, as does the autoresponder
        ScriptPolicy scriptPolicy = new ScriptPolicy(policy, mailRepo);
        SieveBackends backends = new SieveBackends(sc, SieveBackendFactory.of(
                new PolicedBackend(new DirectoryBackend(HostdConfig.Sieve.EMBEDDED, homes, tools), scriptPolicy),
                c -> new PolicedBackend(plugins.manageSieve().apply(resolved(c, dataDir)), scriptPolicy)))
                .withMoves(moved);
        this.sieve = new SieveService(mailboxes, backends, tools, policy, new MaildirFolders(homes));
        this.domainMover = new org.hostctl.server.service.DomainMover(mailRepo, routeRepo, mailBackends, stores,
                backends, m.backends(), sc.backends().stream().map(c -> resolved(c, dataDir)).toList(), dataDir,
                Duration.ofSeconds(st.timeoutSeconds()));
        this.autoreplies = new AutoreplyService(mailRepo, mailboxes, new VacationScript(homes, tools, scriptPolicy),
                clock);
        if (config.maillog().retentionDays() < 1) {
            throw new IllegalArgumentException("maillog.retentionDays must be at least 1");
        }
        this.mailLogStore = new MailLogRepository(db, clock);
        this.mailLog = new MailLogService(mailLogStore, Duration.ofDays(config.maillog().retentionDays()), clock);
    }

    /**
     * Builds the ManageSieve backend of one {@code sieve.backends[]} entry: THE place where
     * {@code org.hostctl.server.sieve.ManageSieveBackend} is plugged in, i.e. {@code return new
     * ManageSieveBackend(config);}. File paths in {@code config} are already absolute. Until then a configured
     * ManageSieve backend stops hostd at start with this message rather than failing on the first request.
     */
    static SieveBackend manageSieveBackend(HostdConfig.SieveBackendConfig config) {
        String where = "sieve.backends[" + config.name() + "]";
        if (config.masterUser() == null || config.masterUser().isBlank() || config.masterPasswordFile() == null) {
            throw new IllegalArgumentException(where + ": masterUser and masterPasswordFile are required");
        }
        char[] password;
        try {
            String first = java.nio.file.Files.readAllLines(Path.of(config.masterPasswordFile()),
                    java.nio.charset.StandardCharsets.UTF_8).stream().findFirst().orElse("");
            password = first.strip().toCharArray();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(where + ": cannot read masterPasswordFile " + config.masterPasswordFile()
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
        if (password.length == 0) {
            throw new IllegalArgumentException(where + ": masterPasswordFile " + config.masterPasswordFile()
                    + " is empty");
        }
        ManageSieveClient.Tls tls = "none".equals(config.tls()) ? ManageSieveClient.Tls.NONE
                : ManageSieveClient.Tls.STARTTLS;
        java.time.Duration timeout = java.time.Duration.ofSeconds(config.timeoutSeconds());
        ManageSieveClient.Settings settings = ManageSieveClient.Settings.of(config.name(), config.host(),
                config.port(), tls, config.caFile() == null ? null : Path.of(config.caFile()))
                .withTimeouts(timeout, timeout);
        try {
            return new ManageSieveBackend(settings, config.masterUser(), password, MAX_MANAGESIEVE_SCRIPT);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** Largest script hostd sends to a ManageSieve server; the policy's own limit is checked before. */
    private static final int MAX_MANAGESIEVE_SCRIPT = 1 << 20;

    /** A backend's settings with caFile and masterPasswordFile relative to the data directory made absolute. */
    private static HostdConfig.SieveBackendConfig resolved(HostdConfig.SieveBackendConfig c, Path dataDir) {
        return new HostdConfig.SieveBackendConfig(c.name(), c.host(), c.port(), c.tls(), absolute(c.caFile(), dataDir),
                c.masterUser(), absolute(c.masterPasswordFile(), dataDir), c.timeoutSeconds(), c.domains());
    }

    private static String absolute(String file, Path dataDir) {
        return file == null || file.isBlank() ? file : dataDir.toAbsolutePath().resolve(file).normalize().toString();
    }

    /**
     * What hostd plugs in from outside its core: how a configured ManageSieve backend is built, and the Postfix log
     * correlator (null: mail logs are not read).
     *
     * @param manageSieve builds the backend of one {@code sieve.backends[]} entry
     * @param correlators makes a correlator reporting to the sink it is given, or null
     */
    public record Plugins(Function<HostdConfig.SieveBackendConfig, SieveBackend> manageSieve,
            Function<MailLogSink, LogCorrelator> correlators) {
        /** The real ManageSieve client and the built-in correlator. */
        public static Plugins defaults() {
            return new Plugins(Hostd::manageSieveBackend, Correlators.builtIn().orElse(null));
        }

        public Plugins withManageSieve(Function<HostdConfig.SieveBackendConfig, SieveBackend> f) {
            return new Plugins(f, correlators);
        }

        public Plugins withCorrelators(Function<MailLogSink, LogCorrelator> f) {
            return new Plugins(manageSieve, f);
        }
    }

    /** Opens the data directory, creating it with a commented configuration on first use, and migrates the store. */
    public static Hostd open(Path dataDir, Clock clock) {
        return open(dataDir, clock, Plugins.defaults());
    }

    /**
     * Like {@link #open(Path, Clock)}, with the given ManageSieve backend builder and Postfix log correlator
     * (tests pass stand-ins).
     */
    public static Hostd open(Path dataDir, Clock clock, Plugins plugins) {
        Path file = ConfigFile.ensure(dataDir);
        DataDirectory.requirePrivate(dataDir);
        HostdConfig config = ConfigFile.read(file);
        String url = config.database() != null && !config.database().isBlank() ? config.database()
                : "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SQLITE_FILE);
        sqliteFile(url).ifPresent(store -> {
            DataDirectory.requirePrivate(store.toAbsolutePath().getParent());
            for (String suffix : List.of("", "-wal", "-shm")) {
                DataDirectory.requirePrivate(Path.of(store + suffix));
            }
            DataDirectory.createStore(store);
        });
        Database db = Database.open(url);
        try {
            return new Hostd(config, dataDir, db, clock, plugins);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The file of a {@code jdbc:sqlite:PATH[?...]} URL; empty for other databases and SQLite URI forms. */
    static java.util.Optional<Path> sqliteFile(String url) {
        String prefix = "jdbc:sqlite:";
        if (!url.startsWith(prefix) || url.startsWith(prefix + "file:") || url.contains(":memory:")) {
            return java.util.Optional.empty();
        }
        String path = url.substring(prefix.length());
        int query = path.indexOf('?');
        return java.util.Optional.of(Path.of(query < 0 ? path : path.substring(0, query)));
    }

    public HostdConfig config() {
        return config;
    }

    public AccountService accounts() {
        return accounts;
    }

    public TokenService tokens() {
        return tokens;
    }

    /** Unix users mapped to accounts, for the local socket. */
    public UnixUserService unixUsers() {
        return unixUsers;
    }

    public PhpService php() {
        return php;
    }

    /**
     * The local socket hostd serves: {@code socket} of hostd.yaml ({@code off}: none), or {@value
     * LocalSocket#EMBEDDED_NAME} inside the data directory when hostd.yaml names none.
     */
    public Path socketPath() {
        String s = config.socket();
        if (s == null || s.isBlank()) {
            return dataDir.toAbsolutePath().resolve(LocalSocket.EMBEDDED_NAME);
        }
        return HostdConfig.SOCKET_OFF.equals(s) ? null : dataDir.toAbsolutePath().resolve(s);
    }

    public MailboxService mailboxes() {
        return mailboxes;
    }

    public AutoreplyService autoreplies() {
        return autoreplies;
    }

    public SieveService sieve() {
        return sieve;
    }

    /** The {@code mail_route} table the proxy and Postfix read. */
    public org.hostctl.server.store.MailRouteRepository mailRoutes() {
        return new org.hostctl.server.store.MailRouteRepository(db);
    }

    /** Moves a mail domain to another backend ({@code hostd domain move}). */
    public org.hostctl.server.service.DomainMover domainMover() {
        return domainMover;
    }

    public MailLogService mailLog() {
        return mailLog;
    }

    public StatusService status() {
        return status;
    }

    /** The running health probes, or null before {@link #serve}. */
    public HealthMonitor monitor() {
        return monitor;
    }

    /** The send log store, which is also the sink a correlator reports to. */
    public MailLogRepository mailLogStore() {
        return mailLogStore;
    }

    /** The running log ingestion, or null when no log is read. */
    public MailLogIngestor ingestor() {
        return ingestor;
    }

    /** Starts the HTTP API and the hourly purge of expired deleted mailboxes; port 0 picks a free port. */
    public HttpApi serve(String host, int port) {
        return serve(host, port, List.of());
    }

    /**
     * Like {@link #serve(String, int)}, and follows the mail logs of {@code maillog.files} and {@code extraMailLogs}
     * when a correlator was given.
     */
    public HttpApi serve(String host, int port, List<Path> extraMailLogs) {
        return serve(host, port, null, extraMailLogs);
    }

    /**
     * Like {@link #serve(String, int, List)}, and serves the API on the local socket {@code socket} too when it is
     * not null.
     */
    public HttpApi serve(String host, int port, Path socket, List<Path> extraMailLogs) {
        http = new HttpApi(new HttpApi.Services(tokens, unixUsers, accounts, php, mailboxes, aliases, autoreplies,
                sieve, mailLog, status));
        http.start(host, port, socket == null ? null : LocalSocket.prepare(socket), config.http());
        List<Path> logs = new ArrayList<>();
        config.maillog().files().forEach(f -> logs.add(dataDir.resolve(f)));
        logs.addAll(extraMailLogs);
        if (!logs.isEmpty() && correlators == null) {
            LoggerFactory.getLogger(Hostd.class).warn("mail logs {} are not read: this hostd has no Postfix log"
                    + " parser", logs);
        } else if (!logs.isEmpty()) {
            ingestor = new MailLogIngestor(logs.stream().distinct().toList(), correlators, mailLogStore, clock,
                    MailLogIngestor.DEFAULT_BATCH_LINES, config.status().node(), config.maillog().host());
            ingestor.start(MAILLOG_POLL);
        }
        HostdConfig.Status st = config.status();
        monitor = new HealthMonitor(statusStore, st.node(), this::checks, Duration.ofSeconds(st.intervalSeconds()),
                Duration.ofSeconds(st.timeoutSeconds()), Duration.ofMillis(st.slowMillis()), clock);
        status.attach(monitor, ingestor != null);
        monitor.start();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostd-purge");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::purge, 0, 1, TimeUnit.HOURS);
        return http;
    }

    /**
     * The checks of one probe round: the store, the send log, every mail backend's services, every docroot. A
     * check keeps its probe (an HTTP probe its client) from round to round.
     */
    private List<Check> checks() {
        List<Check> list = new ArrayList<>();
        list.add(check(Check.STORE, "store", "hostd", () -> new StoreProbe(db)));
        MailLogIngestor in = ingestor;
        if (in != null) {
            list.add(check(Check.SENDLOG, "sendlog", "postfix", () -> new MailLogProbe(in::backlog, MAILLOG_POLL,
                    Duration.ofSeconds(config.status().maillogLagSeconds()), clock)));
        }
        for (MailBackends.Backend b : mailBackends.all()) {
            if (b.imapPort() > 0) {
                list.add(check(Check.mailId(b.name(), "imap"), "imap", b.name(),
                        () -> new GreetingProbe(GreetingProbe.Protocol.IMAP, b.host(), b.imapPort())));
            }
            if (b.lmtpPort() > 0) {
                list.add(check(Check.mailId(b.name(), "lmtp"), "lmtp", b.name(),
                        () -> new GreetingProbe(GreetingProbe.Protocol.LMTP, b.host(), b.lmtpPort())));
            }
            if (b.sieveHost() != null) {
                list.add(check(Check.mailId(b.name(), "managesieve"), "managesieve", b.name(),
                        () -> new GreetingProbe(GreetingProbe.Protocol.MANAGESIEVE, b.sieveHost(), b.sievePort())));
            }
        }
        List<String> urls;
        try {
            urls = status.docrootUrls();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Hostd.class).warn("cannot list document roots to probe: {}",
                    org.hostctl.server.text.Escape.line(e.toString()));
            urls = checkCache.values().stream().filter(c -> c.service().equals("web")).map(Check::backend).toList();
        }
        for (String url : urls) {
            try {
                list.add(check(Check.webId(url), "web", url, () -> new HttpProbe(java.net.URI.create(url),
                        config.web().connectHost())));
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(Hostd.class).warn("document root URL {} cannot be probed: {}",
                        org.hostctl.server.text.Escape.line(url), org.hostctl.server.text.Escape.line(e.getMessage()));
            }
        }
        checkCache.keySet().retainAll(list.stream().map(Check::id).toList());
        return list;
    }

    private Check check(String id, String service, String backend, java.util.function.Supplier<
            org.hostctl.server.status.Probe> probe) {
        return checkCache.computeIfAbsent(id, k -> new Check(id, service, backend, probe.get()));
    }

    private final java.util.Map<String, Check> checkCache = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Duration MAILLOG_POLL = Duration.ofSeconds(1);

    private void purge() {
        try {
            mailboxes.purgeExpired();
            mailLog.purge();
            status.purge();
        } catch (RuntimeException e) {
            if (closing) {
                return; // cut short by the stop
            }
            LoggerFactory.getLogger(Hostd.class).error("purge failed: {}", e.toString());
        }
    }

    /** Set when hostd stops: work cut short by the stop is not an error. */
    private volatile boolean closing;

    @Override
    public void close() {
        closing = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (monitor != null) {
            monitor.close();
        }
        if (ingestor != null) {
            ingestor.close();
        }
        if (http != null) {
            http.stop();
        }
        db.close();
    }
}
