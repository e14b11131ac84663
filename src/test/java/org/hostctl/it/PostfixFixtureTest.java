package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.hostctl.it.LmtpSink.Delivery;
import org.hostctl.it.PostfixFixture.Backend;
import org.hostctl.it.PostfixFixture.Table;
import org.hostctl.it.SmtpClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Postfix routes mail for hosted domains straight from hostd's tables, on SQLite and on PostgreSQL: mailboxes and
 * aliases are delivered over LMTP, unknown, disabled and deleted mailboxes are rejected at RCPT, other domains
 * are not relayed, and table changes apply without a reload.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostfixFixtureTest {
    /** hostd's Flyway migration, verbatim. */
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE domain (name TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, created_at TEXT NOT NULL)",
            "CREATE TABLE mailbox (email TEXT NOT NULL PRIMARY KEY, domain TEXT NOT NULL, password TEXT NOT NULL,"
                    + " quota_bytes BIGINT NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,"
                    + " maildir TEXT NOT NULL, display_name TEXT NULL, created_at TEXT NOT NULL,"
                    + " deleted_at TEXT NULL)",
            "CREATE TABLE alias (source TEXT NOT NULL, destination TEXT NOT NULL, domain TEXT NOT NULL,"
                    + " created_at TEXT NOT NULL, PRIMARY KEY (source, destination))");
    private static final String NOW = "2024-05-01T12:00:00Z";
    private static final String SENDER = "alice@remote.test";
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger MESSAGE_IDS = new AtomicInteger();

    enum Db { SQLITE, POSTGRESQL }

    /** One backend's database, LMTP sink and Postfix. */
    private record Env(String jdbcUrl, LmtpSink sink, PostfixFixture postfix) {}

    @TempDir
    static Path tmp;

    private static final Map<Db, Env> ENVS = new EnumMap<>(Db.class);

    @AfterAll
    static void stopAll() {
        for (Env env : ENVS.values()) {
            try {
                env.postfix().stop();
            } finally {
                env.sink().close();
            }
        }
        ENVS.clear();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void mail_to_an_existing_mailbox_reaches_lmtp_for_that_recipient(Db db) throws Exception {
        Env env = env(db);
        String id = messageId();

        SmtpClient.Session session = SmtpClient.send(env.postfix().smtpPort(), SENDER,
                List.of("info@example.test"), message(id));

        assertThat(session.rcpts()).map(Reply::code).as(env.postfix().logTail()).containsExactly(250);
        assertThat(session.data().code()).isEqualTo(250);
        Delivery delivery = delivered(env, "info@example.test", id);
        assertThat(delivery.from()).isEqualTo(SENDER);
        assertThat(delivery.recipients()).containsExactly("info@example.test");
        assertThat(delivery.data()).contains("Subject: test " + id);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void mail_to_an_alias_reaches_lmtp_for_each_destination(Db db) throws Exception {
        Env env = env(db);
        String id = messageId();

        SmtpClient.Session session = SmtpClient.send(env.postfix().smtpPort(), SENDER,
                List.of("sales@example.test"), message(id));

        assertThat(session.rcpts()).map(Reply::code).as(env.postfix().logTail()).containsExactly(250);
        delivered(env, "info@example.test", id);
        delivered(env, "bob@example.test", id);
        List<String> recipients = env.sink().deliveries().stream()
                .filter(d -> d.data().contains(id))
                .flatMap(d -> d.recipients().stream())
                .sorted()
                .toList();
        assertThat(recipients).containsExactly("bob@example.test", "info@example.test");
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void an_unknown_recipient_in_a_hosted_domain_is_rejected_at_rcpt(Db db) throws Exception {
        Env env = env(db);

        Reply reply = rcpt(env, "nosuchuser@example.test");

        assertThat(reply.code()).as(env.postfix().logTail()).isEqualTo(550);
        assertThat(reply.text()).isEqualTo("5.1.1 <nosuchuser@example.test>: Recipient address rejected:"
                + " User unknown in virtual mailbox table");
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void disabled_and_deleted_mailboxes_are_rejected_at_rcpt(Db db) throws Exception {
        Env env = env(db);

        for (String address : List.of("disabled@example.test", "deleted@example.test")) {
            Reply reply = rcpt(env, address);
            assertThat(reply.code()).as(address + "\n" + env.postfix().logTail()).isEqualTo(550);
            assertThat(reply.text()).startsWith("5.1.1 <" + address + ">: Recipient address rejected:"
                    + " User unknown in virtual mailbox table");
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_domain_not_hosted_is_relay_denied_for_an_unauthenticated_client(Db db) throws Exception {
        Env env = env(db);

        Reply reply = rcpt(env, "victim@remote.test");

        assertThat(reply.code()).as(env.postfix().logTail()).isEqualTo(554);
        assertThat(reply.text()).isEqualTo("5.7.1 <victim@remote.test>: Relay access denied");
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void table_changes_take_effect_without_a_reload(Db db) throws Exception {
        Env env = env(db);
        String url = env.jdbcUrl();

        // new mailbox: rejected, created, accepted and delivered
        assertThat(rcpt(env, "new@example.test").code()).isEqualTo(550);
        addMailbox(url, "new@example.test", 1, null);
        String id = messageId();
        assertThat(SmtpClient.send(env.postfix().smtpPort(), SENDER, List.of("new@example.test"), message(id))
                .rcpts()).map(Reply::code).as(env.postfix().logTail()).containsExactly(250);
        delivered(env, "new@example.test", id);

        // disabled, then deleted: rejected again
        exec(url, "UPDATE mailbox SET active=0 WHERE email=?", "new@example.test");
        assertThat(rcpt(env, "new@example.test").code()).isEqualTo(550);
        exec(url, "UPDATE mailbox SET active=1, deleted_at=? WHERE email=?", NOW, "new@example.test");
        assertThat(rcpt(env, "new@example.test").code()).isEqualTo(550);

        // new domain with a mailbox: relay denied before, accepted after; removed domain: relay denied again
        assertThat(rcpt(env, "info@later.test").code()).isEqualTo(554);
        exec(url, "INSERT INTO domain (name, account, created_at) VALUES (?, ?, ?)", "later.test", "acct2", NOW);
        addMailbox(url, "info@later.test", 1, null);
        assertThat(rcpt(env, "info@later.test").code()).as(env.postfix().logTail()).isEqualTo(250);
        exec(url, "DELETE FROM mailbox WHERE domain=?", "later.test");
        exec(url, "DELETE FROM domain WHERE name=?", "later.test");
        assertThat(rcpt(env, "info@later.test").code()).isEqualTo(554);

        // new alias: rejected, created, delivered to its destination
        assertThat(rcpt(env, "team@example.test").code()).isEqualTo(550);
        addAlias(url, "team@example.test", "bob@example.test");
        String aliasId = messageId();
        assertThat(SmtpClient.send(env.postfix().smtpPort(), SENDER, List.of("team@example.test"),
                message(aliasId)).rcpts()).map(Reply::code).containsExactly(250);
        delivered(env, "bob@example.test", aliasId);
    }

    @Test
    void map_files_and_main_cf_lines_are_the_kits_documented_lines() {
        assertThat(PostfixFixture.sqliteMap(Table.MAILBOXES, Path.of("/var/lib/hostd/hostd.db"),
                Path.of("/etc/postfix"))).endsWith("""
                dbpath = /var/lib/hostd/hostd.db
                query = SELECT 1 FROM mailbox WHERE email='%s' AND active=1 AND deleted_at IS NULL
                """);
        assertThat(PostfixFixture.pgsqlMap(Table.ALIASES, "127.0.0.1:5432", "hostd", "postfix", null))
                .isEqualTo("""
                        hosts = 127.0.0.1:5432
                        user = postfix
                        dbname = hostd
                        query = SELECT destination FROM alias WHERE source='%s'
                        """);
        assertThat(PostfixFixture.mainCfKit("sqlite", Path.of("/etc/postfix"), 24, Path.of("/var/log/postfix.log"))
                .lines().filter(l -> !l.startsWith("#") && !l.isEmpty()))
                .containsExactly(
                        "virtual_alias_domains =",
                        "virtual_mailbox_domains = sqlite:/etc/postfix/hostd-domains.cf",
                        "virtual_mailbox_maps = sqlite:/etc/postfix/hostd-mailboxes.cf",
                        "virtual_alias_maps = sqlite:/etc/postfix/hostd-aliases.cf",
                        "virtual_transport = lmtp:inet:127.0.0.1:24",
                        "maillog_file = /var/log/postfix.log",
                        "maillog_file_prefixes = /var, /dev/stdout, /var/log/postfix.log");
    }

    // ---------------------------------------------------------------- environment

    private static synchronized Env env(Db db) throws Exception {
        Env existing = ENVS.get(db);
        if (existing != null) {
            return existing;
        }
        PostfixFixture.assumeAvailable();
        Path base = Files.createDirectories(tmp.resolve(db.name().toLowerCase()));
        String url;
        Backend backend;
        if (db == Db.SQLITE) {
            Path dbFile = Files.createDirectories(base.resolve("hostd")).resolve("hostd.db");
            url = "jdbc:sqlite:" + dbFile;
            createSchema(url, "PRAGMA journal_mode=WAL");
            PostfixFixture.shareSqliteWithPostfix(dbFile);
            backend = Backend.sqlite(dbFile);
        } else {
            PostgresFixture pg = PostgresFixture.require();
            url = pg.createDatabase("hostd_postfix");
            createSchema(url, null);
            backend = Backend.pgsql(pg.port(), "hostd_postfix", "postgres");
        }
        seed(url);
        LmtpSink sink = LmtpSink.start();
        try {
            PostfixFixture postfix = PostfixFixture.start(base.resolve("postfix"), backend, sink.port());
            System.out.printf("postfix (%s) started in %d ms%n", db, postfix.startDuration().toMillis());
            Env env = new Env(url, sink, postfix);
            ENVS.put(db, env);
            return env;
        } catch (IOException | RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    private static void createSchema(String url, String pragma) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            if (pragma != null) {
                s.execute(pragma);
            }
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
        }
    }

    private static void seed(String url) throws SQLException {
        exec(url, "INSERT INTO domain (name, account, created_at) VALUES (?, ?, ?)", "example.test", "acct1", NOW);
        addMailbox(url, "info@example.test", 1, null);
        addMailbox(url, "bob@example.test", 1, null);
        addMailbox(url, "disabled@example.test", 0, null);
        addMailbox(url, "deleted@example.test", 1, NOW);
        addAlias(url, "sales@example.test", "info@example.test");
        addAlias(url, "sales@example.test", "bob@example.test");
    }

    private static void addMailbox(String url, String email, int active, String deletedAt) throws SQLException {
        String domain = email.substring(email.indexOf('@') + 1);
        exec(url, "INSERT INTO mailbox (email, domain, password, active, maildir, created_at, deleted_at)"
                        + " VALUES (?, ?, ?, " + active + ", ?, ?, ?)",
                email, domain, "{SHA512-CRYPT}x", domain + "/" + email.substring(0, email.indexOf('@')) + "/",
                NOW, deletedAt);
    }

    private static void addAlias(String url, String source, String destination) throws SQLException {
        exec(url, "INSERT INTO alias (source, destination, domain, created_at) VALUES (?, ?, ?, ?)",
                source, destination, source.substring(source.indexOf('@') + 1), NOW);
    }

    /** One statement in its own short connection, as hostd writes (no connection is kept open). */
    private static void exec(String url, String sql, String... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- mail

    private static Reply rcpt(Env env, String recipient) {
        try (SmtpClient smtp = env.postfix().connect()) {
            smtp.ehlo("client.remote.test");
            assertThat(smtp.mailFrom(SENDER).code()).isEqualTo(250);
            return smtp.rcptTo(recipient);
        }
    }

    private static Delivery delivered(Env env, String recipient, String messageId) {
        Optional<Delivery> delivery = env.sink().await(recipient, messageId, DELIVERY_TIMEOUT);
        assertThat(delivery).as("delivery of " + messageId + " to " + recipient + " over LMTP; sink errors "
                + env.sink().errors() + env.postfix().logTail()).isPresent();
        return delivery.get();
    }

    private static String messageId() {
        return "<t" + MESSAGE_IDS.incrementAndGet() + "." + System.nanoTime() + "@client.remote.test>";
    }

    private static String message(String id) {
        return "From: <" + SENDER + ">\r\n"
                + "Message-ID: " + id + "\r\n"
                + "Subject: test " + id + "\r\n"
                + "\r\n"
                + "Hello.\r\n"
                + ".leading dot survives\r\n";
    }
}
