package org.hostctl.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.hostctl.server.auth.TokenSecrets;
import org.hostctl.server.config.ConfigFile;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.http.HttpApi;
import org.hostctl.server.php.PhpCatalog;
import org.hostctl.server.service.AccountService;
import org.hostctl.server.service.PhpService;
import org.hostctl.server.service.TokenService;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hostctl.server.maillog.LogCorrelator;
import org.hostctl.server.maillog.MailLogIngestor;
import org.hostctl.server.maillog.MailLogSink;
import org.hostctl.server.service.MailLogService;
import org.hostctl.server.store.MailLogRepository;
import org.slf4j.LoggerFactory;

/** hostd assembled from a data directory: configuration, store, services and the HTTP API. */
public final class Hostd implements AutoCloseable {
    /** Name of the SQLite file of the embedded default store. */
    public static final String SQLITE_FILE = "hostd.db";

    private final HostdConfig config;
    private final Database db;
    private final AccountService accounts;
    private final TokenService tokens;
    private final PhpService php;
    private final MailboxService mailboxes;
    private final AliasService aliases;
    private final AutoreplyService autoreplies;
    private final MailLogRepository mailLogStore;
    private final MailLogService mailLog;
    private final Function<MailLogSink, LogCorrelator> correlators;
    private final Path dataDir;
    private final Clock clock;
    private HttpApi http;
    private ScheduledExecutorService scheduler;
    private MailLogIngestor ingestor;

    private Hostd(HostdConfig config, Path dataDir, Database db, Clock clock,
            Function<MailLogSink, LogCorrelator> correlators) {
        this.config = config;
        this.db = db;
        this.dataDir = dataDir;
        this.clock = clock;
        this.correlators = correlators;
        PhpCatalog catalog = new PhpCatalog(config.php(), clock);
        AccountRepository accountRepo = new AccountRepository(db);
        this.accounts = new AccountService(accountRepo, catalog, clock);
        this.tokens = new TokenService(new TokenRepository(db), accountRepo, new TokenSecrets(new SecureRandom()),
                clock);
        this.php = new PhpService(accounts, catalog, config.verifyTimeout());
        HostdConfig.Mail m = config.mail();
        MailRepository mailRepo = new MailRepository(db);
        long defaultQuota;
        try {
            defaultQuota = Sizes.parse(m.defaultQuota());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mail.defaultQuota: " + e.getMessage(), e);
        }
        if (m.retentionDays() < 0) {
            throw new IllegalArgumentException("mail.retentionDays cannot be negative");
        }
        this.mailboxes = new MailboxService(mailRepo, accounts, new Passwords(m.passwordScheme()),
                new MailUsage(dataDir.resolve(m.root()), m.doveadm()), Duration.ofDays(m.retentionDays()),
                defaultQuota, clock);
        this.aliases = new AliasService(mailRepo, mailboxes, clock);
        this.autoreplies = new AutoreplyService(mailRepo, mailboxes, clock);
        if (config.maillog().retentionDays() < 1) {
            throw new IllegalArgumentException("maillog.retentionDays must be at least 1");
        }
        this.mailLogStore = new MailLogRepository(db, clock);
        this.mailLog = new MailLogService(mailLogStore, Duration.ofDays(config.maillog().retentionDays()), clock);
    }

    /** Opens the data directory, creating it with a commented configuration on first use, and migrates the store. */
    public static Hostd open(Path dataDir, Clock clock) {
        return open(dataDir, clock, null);
    }

    /**
     * Like {@link #open(Path, Clock)}, with the Postfix log correlator: {@code correlators} makes one that reports
     * to the sink it is given. Null: no correlator, mail log files are not read.
     */
    public static Hostd open(Path dataDir, Clock clock, Function<MailLogSink, LogCorrelator> correlators) {
        Path file = ConfigFile.ensure(dataDir);
        HostdConfig config = ConfigFile.read(file);
        String url = config.database() != null && !config.database().isBlank() ? config.database()
                : "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SQLITE_FILE);
        Database db = Database.open(url);
        try {
            return new Hostd(config, dataDir, db, clock, correlators);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
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

    public PhpService php() {
        return php;
    }

    public MailboxService mailboxes() {
        return mailboxes;
    }

    public MailLogService mailLog() {
        return mailLog;
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
        http = new HttpApi(tokens, accounts, php, mailboxes, aliases, autoreplies, mailLog);
        http.start(host, port);
        List<Path> logs = new ArrayList<>();
        config.maillog().files().forEach(f -> logs.add(dataDir.resolve(f)));
        logs.addAll(extraMailLogs);
        if (!logs.isEmpty() && correlators == null) {
            LoggerFactory.getLogger(Hostd.class).warn("mail logs {} are not read: this hostd has no Postfix log"
                    + " parser", logs);
        } else if (!logs.isEmpty()) {
            ingestor = new MailLogIngestor(logs.stream().distinct().toList(), correlators, mailLogStore, clock);
            ingestor.start(Duration.ofSeconds(1));
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostd-purge");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::purge, 0, 1, TimeUnit.HOURS);
        return http;
    }

    private void purge() {
        try {
            mailboxes.purgeExpired();
            mailLog.purge();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Hostd.class).error("purge failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
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
