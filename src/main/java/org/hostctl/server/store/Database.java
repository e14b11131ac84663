package org.hostctl.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * hostd's connection pool, migrated to the newest schema when opened.
 *
 * <p>SQLite ({@code jdbc:sqlite:/var/lib/hostd/hostd.db}) is the embedded default; Dovecot reads the same file,
 * so every connection uses WAL, {@code synchronous=NORMAL}, a busy timeout and enforced foreign keys, and
 * write transactions start with {@code BEGIN IMMEDIATE} and stay short. PostgreSQL
 * ({@code jdbc:postgresql://host:port/db?user=...}) is pooled the same way.
 */
public final class Database implements AutoCloseable {
    static final int SQLITE_BUSY_TIMEOUT_MS = 5_000;
    private static final int SQLITE_POOL_SIZE = 4;
    /** Page cache per connection, KiB. */
    private static final int SQLITE_CACHE_KIB = 32 * 1024;
    /** WAL pages after which a commit copies them back to the database file. */
    private static final int SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;
    private static final int POSTGRESQL_POOL_SIZE = 8;
    private static final int MAX_ATTEMPTS = 3;

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final String description;

    private Database(Dialect dialect, HikariDataSource dataSource, String description) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * Opens a pool for {@code jdbcUrl} and applies pending migrations from {@code classpath:db/migration}.
     *
     * @throws IllegalArgumentException if the URL is neither SQLite nor PostgreSQL, or names an in-memory SQLite
     * @throws StoreException if the database cannot be reached or a migration fails
     */
    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.ofJdbcUrl(jdbcUrl);
        String description = redact(jdbcUrl);
        HikariConfig config = dialect == Dialect.SQLITE ? sqliteConfig(jdbcUrl) : postgresqlConfig(jdbcUrl);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open database " + description + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot migrate database " + description + ": " + e.getMessage(), e);
        }
        return new Database(dialect, pool, description);
    }

    private static HikariConfig sqliteConfig(String jdbcUrl) {
        if (jdbcUrl.contains(":memory:") || jdbcUrl.contains("mode=memory")) {
            throw new IllegalArgumentException("an in-memory SQLite database cannot be pooled; use a file: " + jdbcUrl);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
        sqlite.enforceForeignKeys(true);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        // A send log batch touches index pages all over a large file: keep more of them than the default 2 MiB,
        // and copy the WAL back less often (each checkpoint syncs).
        sqlite.setCacheSize(-SQLITE_CACHE_KIB);
        sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(SQLITE_WAL_AUTOCHECKPOINT_PAGES));
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl(jdbcUrl);

        HikariConfig config = new HikariConfig();
        config.setPoolName("hostd-sqlite");
        config.setDataSource(source);
        config.setMaximumPoolSize(SQLITE_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        return config;
    }

    private static HikariConfig postgresqlConfig(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("hostd-postgresql");
        config.setJdbcUrl(jdbcUrl);
        // a JDBC batch of inserts goes as multi-row INSERTs: one round trip per batch, not per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.setMaximumPoolSize(POSTGRESQL_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        return config;
    }

    public Dialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction and commits it; rolls back if {@code work} throws. SQLite transactions
     * begin with {@code BEGIN IMMEDIATE}, so two writers never deadlock on a lock upgrade. When the database
     * stays busy (SQLite) or aborts the transaction (PostgreSQL serialization failure, deadlock), the whole
     * unit is run again, at most {@value #MAX_ATTEMPTS} times; {@code work} must therefore have no effects
     * outside the transaction.
     *
     * @throws BusyException when every attempt found the database busy
     * @throws StoreException for any other {@link SQLException}; runtime exceptions from {@code work} pass as is
     */
    public <T> T tx(SqlFunction<Connection, T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                return inTransaction(connection, work);
            } catch (SQLException e) {
                if (!SqlErrors.isRetryable(e)) {
                    throw new StoreException("database error on " + description + ": " + e.getMessage(), e);
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new BusyException(
                            "database " + description + " still busy after " + attempt + " attempts: "
                                    + e.getMessage(), e);
                }
                pause(attempt);
            }
        }
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode: for reads (on SQLite they take no lock and
     * are not blocked by writers) and for single statements that need no retry.
     *
     * @throws StoreException for any {@link SQLException}
     */
    public <T> T withConnection(SqlFunction<Connection, T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException("database error on " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a trivial query on a pooled connection, with {@code timeout} (whole seconds, at least one) as the
     * statement's query timeout. Waiting for a free connection is bounded by the pool's own timeout only; callers
     * that need a hard limit run this on another thread.
     *
     * @throws StoreException when the database cannot be reached or the query fails
     */
    public void ping(Duration timeout) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        String query = dialect == Dialect.SQLITE ? "SELECT count(*) FROM sqlite_master" : "SELECT 1";
        withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(seconds);
                try (ResultSet r = s.executeQuery(query)) {
                    if (!r.next()) {
                        throw new SQLException("the ping query returned no row");
                    }
                }
            }
            return null;
        });
    }

    private <T> T inTransaction(Connection connection, SqlFunction<Connection, T> work) throws SQLException {
        try {
            begin(connection);
        } catch (SQLException e) {
            // The driver may already consider the connection non-auto-commit; do not hand it out again.
            dataSource.evictConnection(connection);
            throw e;
        }
        T result;
        try {
            result = work.apply(connection);
            connection.commit();
        } catch (Throwable e) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
                dataSource.evictConnection(connection);
            }
            throw e;
        }
        connection.setAutoCommit(true);
        return result;
    }

    private void begin(Connection connection) throws SQLException {
        if (dialect != Dialect.SQLITE) {
            connection.setAutoCommit(false);
            return;
        }
        // The driver issues BEGIN when auto-commit is switched off and again right after every COMMIT or
        // ROLLBACK. Only this first BEGIN takes the write lock; the implicit ones stay deferred and lock nothing.
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            connection.setAutoCommit(false);
        } finally {
            sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(attempt * 50L + ThreadLocalRandom.current().nextInt(50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a busy database", e);
        }
    }

    /** Closes the pool; connections in use are closed when returned. */
    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "Database[" + description + "]";
    }

    /** The URL without passwords, for messages and logs. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
