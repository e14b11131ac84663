package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatabaseTest {
    private static final Instant NOW = Instant.parse("2026-11-28T19:00:00Z");

    @Test
    void an_unsupported_jdbc_url_is_rejected() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://127.0.0.1/hostd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:sqlite:");
    }

    @Test
    void an_in_memory_sqlite_url_is_rejected_because_a_pool_would_see_several_databases() {
        assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwords_are_hidden_in_messages() {
        assertThat(Database.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    }

    @Nested
    class On_SQLite extends Cases {
        @Override
        String newDatabaseUrl() {
            return newSqliteUrl();
        }

        @Override
        Dialect expectedDialect() {
            return Dialect.SQLITE;
        }

        @Test
        void the_file_is_in_wal_mode() throws Exception {
            String url = newDatabaseUrl();
            open(url).close();
            try (Connection plain = DriverManager.getConnection(url);
                    Statement s = plain.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
        }

        @Test
        void every_pooled_connection_has_foreign_keys_busy_timeout_and_normal_sync() throws Exception {
            Database db = open(newDatabaseUrl());
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    held.add(db.dataSource().getConnection());
                }
                for (Connection c : held) {
                    assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
                    assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
                    assertThat(pragma(c, "busy_timeout")).isEqualTo(String.valueOf(Database.SQLITE_BUSY_TIMEOUT_MS));
                    assertThat(pragma(c, "synchronous")).isEqualTo("1");
                }
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        }

        @Test
        void a_reader_with_a_short_busy_timeout_is_not_blocked_by_an_open_write_transaction() throws Exception {
            String url = newDatabaseUrl();
            Database db = open(url);
            new AccountRepository(db).create("alice", "/srv/alice", null, NOW);
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> writer = pool.submit(() -> db.tx(c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE account SET php_default = '8.3'")) {
                        ps.executeUpdate();
                    }
                    locked.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
                assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
                // Like Dovecot's sqlite driver: its own connection, busy timeout fixed at 1000 ms.
                long started = System.nanoTime();
                try (Connection reader = DriverManager.getConnection(url);
                        Statement s = reader.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 1000");
                    try (ResultSet rs = s.executeQuery("SELECT php_default FROM account WHERE name = 'alice'")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isNull();
                    }
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(900);
                release.countDown();
                writer.get(10, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }

        @Test
        void a_writer_waits_for_a_lock_held_by_another_process_instead_of_failing() throws Exception {
            String url = newDatabaseUrl();
            AccountRepository accounts = new AccountRepository(open(url));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                s.executeUpdate("INSERT INTO account (name, webspace, created_at)"
                        + " VALUES ('bob', '/srv/bob', '2026-11-28T19:00:00Z')");
                long started = System.nanoTime();
                Future<Account> writer = pool.submit(() -> accounts.create("alice", "/srv/alice", null, NOW));
                Thread.sleep(300);
                assertThat(writer).isNotDone();
                s.execute("COMMIT");

                assertThat(writer.get(10, TimeUnit.SECONDS).name()).isEqualTo("alice");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(250);
            } finally {
                pool.shutdownNow();
            }
            assertThat(accounts.list()).extracting(Account::name).containsExactly("alice", "bob");
        }

        private String pragma(Connection c, String name) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Nested
    class On_PostgreSQL extends Cases {
        @Override
        String newDatabaseUrl() {
            return newPostgresUrl();
        }

        @Override
        Dialect expectedDialect() {
            return Dialect.POSTGRESQL;
        }
    }

    abstract static class Cases extends StoreTestSupport {
        abstract Dialect expectedDialect();

        @Test
        void the_dialect_follows_the_url() {
            assertThat(open(newDatabaseUrl()).dialect()).isEqualTo(expectedDialect());
        }

        @Test
        void a_fresh_database_is_migrated_to_the_newest_schema() {
            Database db = open(newDatabaseUrl());

            assertThat(appliedVersions(db)).containsExactlyElementsOf(migrationFiles()).contains("6", "7");
            assertThat(rows(db, "unix_user")).isZero();
            assertThat(rows(db, "maillog_message")).isZero();
            assertThat(rows(db, "account")).isZero();
            assertThat(rows(db, "docroot")).isZero();
            assertThat(rows(db, "api_token")).isZero();
            assertThat(rows(db, "status_event")).isZero();
            assertThat(rows(db, "notice")).isZero();
        }

        @Test
        void opening_a_migrated_database_again_applies_nothing_and_keeps_the_data() {
            String url = newDatabaseUrl();
            Database first = open(url);
            new AccountRepository(first).create("alice", "/srv/alice", null, NOW);
            first.close();

            Database second = open(url);

            assertThat(appliedVersions(second)).containsExactlyElementsOf(migrationFiles());
            assertThat(new AccountRepository(second).find("alice")).isPresent();
        }

        @Test
        void tx_commits_what_the_work_wrote_and_returns_its_result() {
            Database db = open(newDatabaseUrl());

            int inserted = db.tx(c -> insertAccount(c, "alice"));

            assertThat(inserted).isEqualTo(1);
            assertThat(rows(db, "account")).isEqualTo(1);
        }

        @Test
        void tx_rolls_back_and_rethrows_when_the_work_throws() {
            Database db = open(newDatabaseUrl());
            IllegalStateException failure = new IllegalStateException("stop");

            assertThatThrownBy(() -> db.tx(c -> {
                insertAccount(c, "alice");
                throw failure;
            })).isSameAs(failure);

            assertThat(rows(db, "account")).isZero();
        }

        @Test
        void an_sql_error_becomes_a_store_exception_and_the_connection_stays_usable() {
            Database db = open(newDatabaseUrl());

            assertThatThrownBy(() -> db.<Integer>tx(c -> count(c, "SELECT no_such_column FROM account")))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasCauseInstanceOf(SQLException.class);

            for (int i = 0; i < 10; i++) {
                String name = "user" + i;
                db.tx(c -> insertAccount(c, name));
            }
            assertThat(rows(db, "account")).isEqualTo(10);
        }

        @Test
        void concurrent_writers_from_two_pools_all_succeed() throws Exception {
            String url = newDatabaseUrl();
            Database one = open(url);
            Database two = open(url);
            AccountRepository repoOne = new AccountRepository(one);
            AccountRepository repoTwo = new AccountRepository(two);
            int threads = 6;
            int perThread = 20;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    AccountRepository repo = t % 2 == 0 ? repoOne : repoTwo;
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            String name = "t" + thread + "u" + i;
                            repo.create(name, "/srv/" + name, null, NOW);
                            repo.addDocroot(name, new Docroot("public_html", "http://127.0.0.1:18080/"));
                            repo.setPhpDefault(name, "8.3");
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            List<Account> accounts = repoOne.list();
            assertThat(accounts).hasSize(threads * perThread);
            assertThat(accounts).allSatisfy(a -> {
                assertThat(a.phpDefault()).isEqualTo("8.3");
                assertThat(a.docroots()).hasSize(1);
            });
        }

        /** The versions of the migration files, in order (other branches add theirs). */
        static List<String> migrationFiles() {
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("hostctl.project.dir",
                    "."), "src/main/resources/db/migration"))) {
                return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(
                                Integer::parseInt)).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static List<String> appliedVersions(Database db) {
            return db.withConnection(c -> {
                List<String> versions = new ArrayList<>();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history"
                                + " WHERE success = " + (db.dialect() == Dialect.SQLITE ? "1" : "true")
                                + " AND version IS NOT NULL ORDER BY installed_rank")) {
                    while (rs.next()) {
                        versions.add(rs.getString(1));
                    }
                }
                return versions;
            });
        }

        static int insertAccount(Connection c, String name) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO account (name, webspace, created_at) VALUES (?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, "/srv/" + name);
                ps.setString(3, "2026-11-28T19:00:00Z");
                return ps.executeUpdate();
            }
        }

        static int rows(Database db, String table) {
            return db.withConnection(c -> count(c, "SELECT count(*) FROM " + table));
        }

        static int count(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
