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

/** hostd assembled from a data directory: configuration, store, services and the HTTP API. */
public final class Hostd implements AutoCloseable {
    /** Name of the SQLite file of the embedded default store. */
    public static final String SQLITE_FILE = "hostd.db";

    private final HostdConfig config;
    private final Database db;
    private final AccountService accounts;
    private final TokenService tokens;
    private final PhpService php;
    private HttpApi http;

    private Hostd(HostdConfig config, Database db, Clock clock) {
        this.config = config;
        this.db = db;
        PhpCatalog catalog = new PhpCatalog(config.php(), clock);
        AccountRepository accountRepo = new AccountRepository(db);
        this.accounts = new AccountService(accountRepo, catalog, clock);
        this.tokens = new TokenService(new TokenRepository(db), accountRepo, new TokenSecrets(new SecureRandom()),
                clock);
        this.php = new PhpService(accounts, catalog, config.verifyTimeout());
    }

    /** Opens the data directory, creating it with a commented configuration on first use, and migrates the store. */
    public static Hostd open(Path dataDir, Clock clock) {
        Path file = ConfigFile.ensure(dataDir);
        HostdConfig config = ConfigFile.read(file);
        String url = config.database() != null && !config.database().isBlank() ? config.database()
                : "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve(SQLITE_FILE);
        Database db = Database.open(url);
        try {
            return new Hostd(config, db, clock);
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

    /** Starts the HTTP API; port 0 picks a free port. */
    public HttpApi serve(String host, int port) {
        http = new HttpApi(tokens, accounts, php);
        http.start(host, port);
        return http;
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop();
        }
        db.close();
    }
}
