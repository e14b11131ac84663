package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.hostctl.it.DovecotFixture.Driver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DovecotFixtureTest {

    /** hostd's tables (Flyway V2 in hostd); the fixture only points Dovecot at them. */
    static final List<String> SCHEMA = List.of(
            "CREATE TABLE domain (name TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, created_at TEXT NOT NULL)",
            """
            CREATE TABLE mailbox (
              email TEXT NOT NULL PRIMARY KEY, domain TEXT NOT NULL, password TEXT NOT NULL,
              quota_bytes BIGINT NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1, maildir TEXT NOT NULL,
              display_name TEXT NULL, created_at TEXT NOT NULL, deleted_at TEXT NULL)""",
            "CREATE TABLE alias (source TEXT NOT NULL, destination TEXT NOT NULL, PRIMARY KEY (source, destination))");

    static final String MASTER_PASSWORD = "master \"secret\" \\ 1";
    static final String ALICE_PASSWORD = "alice \"pw\" \\ 1";
    static final String BOB_PASSWORD = "bob pw";
    /** Shared by the other mailboxes: one hash keeps the setup fast (SHA512-CRYPT costs ~0.2 s in a cold JVM). */
    static final String OTHER_PASSWORD = "mailbox pw";
    /** Low cost for test speed (a cold JVM needs ~1.7 s for cost 10); Dovecot reads the cost from the hash. */
    static final int BCRYPT_COST = 6;
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path tmp;

    static Path db;
    static DovecotFixture dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        DovecotFixture.assumeAvailable();
        db = tmp.resolve("hostd.db");
        String other = sha512Crypt(OTHER_PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement(); ResultSet mode = s.executeQuery("PRAGMA journal_mode=WAL")) {
                assertThat(mode.next() ? mode.getString(1) : "").isEqualTo("wal");
            }
            createSchema(c);
            insertMailbox(c, "alice@example.com", blfCrypt(ALICE_PASSWORD), 1_000_000, 1, null);
            insertMailbox(c, "bob@example.com", sha512Crypt(BOB_PASSWORD), 0, 1, null);
            insertMailbox(c, "carol@example.com", other, 0, 0, null);
            insertMailbox(c, "dave@example.com", other, 0, 1, "2025-01-02T03:04:05Z");
            insertMailbox(c, "erin@example.com", other, 0, 1, null);
            insertMailbox(c, "frank@example.com", other, 1000, 1, null);
            insertMailbox(c, "grace@example.com", other, 0, 1, null);
        }
        dovecot = DovecotFixture.builder(Driver.SQLITE, db.toString()).masterPassword(MASTER_PASSWORD).start();
        startPostgresInBackground();
    }

    /** initdb and start take seconds; overlap them with the SQLite tests (the nested test waits in require()). */
    private static void startPostgresInBackground() {
        if (PostgresFixture.available()) {
            Thread starter = new Thread(() -> {
                try {
                    PostgresFixture.shared();
                } catch (RuntimeException e) {
                    // recorded by PostgresFixture; require() reports it in the test that needs the cluster
                }
            }, "postgres-fixture-start");
            starter.setDaemon(true);
            starter.start();
        }
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void it_starts_quickly_on_free_loopback_ports_in_a_short_directory() {
        // 0.14-0.37 s on an idle 2-core machine; the bound leaves room for a loaded CI runner
        assertThat(dovecot.startDuration()).isLessThan(Duration.ofSeconds(3));
        assertThat(Stream.of(dovecot.imapPort(), dovecot.lmtpPort(), dovecot.sievePort(), dovecot.authPort(),
                dovecot.quotaStatusPort()).distinct()).hasSize(5);
        assertThat(dovecot.dir().toString()).startsWith("/tmp/hostctl-dc-").hasSizeLessThanOrEqualTo(75);
        assertThat(dovecot.lmtpSocket()).exists();
        assertThat(dovecot.authSocket()).exists();
    }

    @Test
    void the_master_password_is_stored_only_as_a_sha512_crypt_hash() throws IOException {
        String masterUsers = Files.readString(dovecot.dir().resolve("etc/master-users"));
        assertThat(masterUsers).startsWith("hostd-master:{SHA512-CRYPT}$6$").doesNotContain("secret");
        try (Stream<Path> files = Files.walk(dovecot.dir().resolve("etc"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(MASTER_PASSWORD);
            }
        }
    }

    @Test
    void a_mailbox_logs_in_with_its_bcrypt_or_sha512_crypt_password() throws IOException {
        assertLogin("alice@example.com", ALICE_PASSWORD, true);
        assertLogin("bob@example.com", BOB_PASSWORD, true);
    }

    @Test
    void a_wrong_password_is_refused() throws IOException {
        try (ImapClient imap = dovecot.imap()) {
            ImapClient.Response r = imap.login("alice@example.com", "wrong");
            assertThat(r.ok()).as(dovecot.logTail()).isFalse();
            assertThat(r.text()).startsWith("[AUTHENTICATIONFAILED]");
        }
    }

    @Test
    void inactive_and_deleted_mailboxes_cannot_log_in() throws Exception {
        assertLogins(dovecot,
                new Login("carol@example.com", OTHER_PASSWORD, false),
                new Login("dave@example.com", OTHER_PASSWORD, false));
    }

    @Test
    void the_login_name_is_case_insensitive() throws IOException {
        assertLogin("ALICE@Example.COM", ALICE_PASSWORD, true);
    }

    @Test
    void deactivating_a_mailbox_in_hostds_database_takes_effect_at_once() throws Exception {
        assertLogin("grace@example.com", OTHER_PASSWORD, true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement p = c.prepareStatement("UPDATE mailbox SET active = 0 WHERE email = ?")) {
            p.setString(1, "grace@example.com");
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
        assertLogin("grace@example.com", OTHER_PASSWORD, false);
    }

    @Test
    void lmtp_refuses_unknown_inactive_and_deleted_recipients_with_550() throws IOException {
        try (LmtpClient lmtp = dovecot.lmtp()) {
            assertThat(lmtp.lhlo("client.test").code()).isEqualTo(250);
            assertThat(lmtp.mailFrom("sender@example.net").code()).isEqualTo(250);
            for (String rcpt : List.of("ghost@example.com", "carol@example.com", "dave@example.com")) {
                LmtpClient.Reply reply = lmtp.rcptTo(rcpt);
                assertThat(reply.code()).as(rcpt + ": " + reply).isEqualTo(550);
                assertThat(reply.text()).startsWith("5.1.1");
            }
            assertThat(lmtp.quit().code()).isEqualTo(221);
        }
    }

    @Test
    void mail_delivered_over_tcp_and_the_unix_socket_lands_in_the_inbox() throws IOException {
        try (LmtpClient lmtp = dovecot.lmtp()) {
            assertDelivered(lmtp, "erin@example.com", message("first", "Hello\n.leading dot\n"));
        }
        try (LmtpClient lmtp = LmtpClient.connect(dovecot.lmtpSocket(), Duration.ofSeconds(10))) {
            assertDelivered(lmtp, "erin+news@example.com", message("second", "Hi\n"));
        }

        try (ImapClient imap = dovecot.imap()) {
            assertThat(imap.login("erin@example.com", OTHER_PASSWORD).ok()).isTrue();
            assertThat(imap.status("INBOX", "MESSAGES")).containsEntry("MESSAGES", 2L);
            assertThat(imap.select("INBOX").ok()).isTrue();
            assertThat(imap.fetchSubjects()).containsExactly("first", "second");
            assertThat(imap.logout().ok()).isTrue();
        }
        DovecotFixture.ToolResult body = dovecot.doveadm("fetch", "-u", "erin@example.com", "body", "mailbox",
                "INBOX", "header", "subject", "first");
        assertThat(body.ok()).as(body.toString()).isTrue();
        assertThat(body.stdout()).contains("\n.leading dot\n").doesNotContain("..leading");
    }

    @Test
    void a_message_over_the_quota_is_refused_with_552() throws IOException {
        try (LmtpClient lmtp = dovecot.lmtp()) {
            assertDelivered(lmtp, "frank@example.com", message("small", "x\n"));
            lmtp.mailFrom("sender@example.net");
            assertThat(lmtp.rcptTo("frank@example.com").code()).isEqualTo(250);
            List<LmtpClient.Reply> replies = lmtp.data(message("big", "y".repeat(70).concat("\n").repeat(30)));
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).code()).as(replies.toString()).isEqualTo(552);
            assertThat(replies.get(0).text()).contains("Mailbox is full");
        }
        assertThat(quotaStatus("frank@example.com", 5000)).isEqualTo("action=552 5.2.2 Mailbox is full");
        assertThat(quotaStatus("bob@example.com", 5000)).isEqualTo("action=DUNNO");
        try (ImapClient imap = dovecot.imap()) {
            assertThat(imap.login("frank@example.com", OTHER_PASSWORD).ok()).isTrue();
            assertThat(imap.status("INBOX", "MESSAGES")).containsEntry("MESSAGES", 1L);
        }
    }

    @Test
    void the_quota_comes_from_quota_bytes() throws IOException {
        try (ImapClient imap = dovecot.imap()) {
            assertThat(imap.login("alice@example.com", ALICE_PASSWORD).ok()).isTrue();
            ImapClient.Response quota = imap.getQuotaRoot("INBOX");
            assertThat(quota.ok()).isTrue();
            // 1 000 000 bytes in KiB
            assertThat(quota.untagged()).anyMatch(l -> l.matches("\\* QUOTA \"User quota\" \\(STORAGE 0 97[67]\\)"));
        }
        DovecotFixture.ToolResult user = dovecot.doveadm("user", "alice@example.com");
        assertThat(user.ok()).as(user.toString()).isTrue();
        assertThat(user.stdout())
                .contains("home\t" + dovecot.vmailRoot().resolve("example.com/alice"))
                .contains("quota_rule\t*:bytes=1000000");
        assertThat(dovecot.doveadm("user", "dave@example.com").exitCode()).isEqualTo(67);
    }

    @Test
    void doveadm_iterates_only_active_not_deleted_mailboxes() {
        DovecotFixture.ToolResult users = dovecot.doveadm("user", "*");
        assertThat(users.ok()).as(users.toString()).isTrue();
        assertThat(users.stdout().lines().toList())
                .contains("alice@example.com", "bob@example.com", "frank@example.com")
                .doesNotContain("carol@example.com", "dave@example.com");
    }

    @Test
    void the_master_user_logs_in_to_imap_as_a_mailbox_but_not_for_smtp() throws Exception {
        assertLogins(dovecot,
                new Login("alice@example.com*hostd-master", MASTER_PASSWORD, true),
                new Login("alice@example.com*hostd-master", "wrong", false),
                new Login("carol@example.com*hostd-master", MASTER_PASSWORD, false));

        try (DovecotAuthClient auth = dovecot.auth()) {
            assertThat(auth.plain("imap", "alice@example.com", "hostd-master", MASTER_PASSWORD).ok()).isTrue();
            DovecotAuthClient.Answer smtp = auth.plain("smtp", "alice@example.com", "hostd-master", MASTER_PASSWORD);
            assertThat(smtp.ok()).as(smtp.toString()).isFalse();
            assertThat(smtp.line()).startsWith("FAIL\t");
            assertThat(auth.plain("smtp", "", "bob@example.com", BOB_PASSWORD).ok()).isTrue();
        }
    }

    @Test
    void a_stopped_fixture_restarts_on_the_same_ports_with_its_mail() throws IOException {
        try (DovecotFixture d = DovecotFixture.builder(Driver.SQLITE, db.toString())
                .masterPassword(MASTER_PASSWORD).start()) {
            try (LmtpClient lmtp = d.lmtp()) {
                assertThat(lmtp.lhlo("client.test").code()).isEqualTo(250);
                assertThat(lmtp.mailFrom("sender@example.net").code()).isEqualTo(250);
                assertThat(lmtp.rcptTo("bob@example.com").code()).as(d.logTail()).isEqualTo(250);
                assertThat(lmtp.data(message("before restart", "x\n")).get(0).code()).as(d.logTail()).isEqualTo(250);
            }
            int imap = d.imapPort();
            int lmtp = d.lmtpPort();
            int sieve = d.sievePort();

            d.stop();
            assertThat(d.running()).isFalse();
            assertThat(Stream.of(imap, lmtp, sieve).filter(FixtureSupport::accepts)).as("nothing answers").isEmpty();
            d.restart();

            assertThat(d.running()).isTrue();
            assertThat(List.of(d.imapPort(), d.lmtpPort(), d.sievePort())).containsExactly(imap, lmtp, sieve);
            assertThat(d.startDuration()).isLessThan(Duration.ofSeconds(3));
            try (ImapClient client = d.imap()) {
                assertThat(client.login("bob@example.com", BOB_PASSWORD).ok()).as(d.logTail()).isTrue();
                assertThat(client.status("INBOX", "MESSAGES")).containsEntry("MESSAGES", 1L);
            }
            assertThatThrownBy(d::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        }
    }

    @Test
    void the_sql_conf_has_the_documented_lines() {
        String conf = DovecotFixture.sqlConf(Driver.PGSQL, "host=127.0.0.1 port=5432 dbname=hostd user=postgres",
                Path.of("/var/vmail"));
        assertThat(conf.substring(conf.indexOf("\ndriver = ") + 1)).isEqualTo("""
                driver = pgsql
                connect = host=127.0.0.1 port=5432 dbname=hostd user=postgres
                # fallback only for stored values without a {SCHEME} prefix
                default_pass_scheme = SHA512-CRYPT
                password_query = SELECT email AS user, password FROM mailbox \
                WHERE email = '%u' AND active = 1 AND deleted_at IS NULL
                user_query = SELECT '/var/vmail/' || maildir AS home, '*:bytes=' || quota_bytes AS quota_rule \
                FROM mailbox WHERE email = '%u' AND active = 1 AND deleted_at IS NULL
                iterate_query = SELECT email AS user FROM mailbox WHERE active = 1 AND deleted_at IS NULL
                """);
    }

    @Test
    void a_sqlite_file_that_is_missing_or_not_in_wal_mode_is_refused() throws Exception {
        Path rollback = tmp.resolve("rollback.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + rollback)) {
            createSchema(c);
        }
        assertThatThrownBy(() -> DovecotFixture.builder(Driver.SQLITE, rollback.toString())
                .masterPassword("x").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WAL");
        assertThatThrownBy(() -> DovecotFixture.builder(Driver.SQLITE, tmp.resolve("missing.db").toString())
                .masterPassword("x").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Nested
    class On_postgresql_with_ssl {

        @Test
        void mailboxes_log_in_with_the_pgsql_driver_and_starttls_is_offered() throws Exception {
            PostgresFixture pg = PostgresFixture.require();
            String url = pg.createDatabase("hostd_dovecot");
            try (Connection c = DriverManager.getConnection(url)) {
                createSchema(c);
                insertMailbox(c, "alice@example.com", blfCrypt(ALICE_PASSWORD), 0, 1, null);
                insertMailbox(c, "carol@example.com", sha512Crypt(OTHER_PASSWORD), 0, 0, null);
            }
            String connect = "host=127.0.0.1 port=" + pg.port() + " dbname=hostd_dovecot user=postgres";
            try (DovecotFixture pgDovecot = DovecotFixture.builder(Driver.PGSQL, connect)
                    .masterPassword(MASTER_PASSWORD).ssl(true).start()) {
                assertThat(pgDovecot.certificate()).isNotEmptyFile();
                try (ImapClient imap = pgDovecot.imap()) {
                    assertThat(imap.greeting()).contains("STARTTLS");
                }
                assertLogins(pgDovecot,
                        new Login("ALICE@example.com", ALICE_PASSWORD, true),
                        new Login("alice@example.com", "wrong", false),
                        new Login("carol@example.com", OTHER_PASSWORD, false));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
        }
    }

    static void insertMailbox(Connection c, String email, String password, long quotaBytes, int active,
            String deletedAt) throws SQLException {
        String domain = email.substring(email.indexOf('@') + 1);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO mailbox (email, domain, password, quota_bytes,"
                + " active, maildir, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, email);
            p.setString(2, domain);
            p.setString(3, password);
            p.setLong(4, quotaBytes);
            p.setInt(5, active);
            p.setString(6, domain + "/" + email.substring(0, email.indexOf('@')));
            p.setString(7, "2025-01-01T00:00:00Z");
            p.setString(8, deletedAt);
            p.executeUpdate();
        }
    }

    static String blfCrypt(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "{BLF-CRYPT}" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, BCRYPT_COST);
    }

    static String sha512Crypt(String password) {
        return "{SHA512-CRYPT}" + Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8));
    }

    static String message(String subject, String body) {
        return "From: sender@example.net\nTo: someone@example.com\nSubject: " + subject
                + "\nMessage-ID: <" + subject + "@example.net>\n\n" + body;
    }

    record Login(String user, String password, boolean expected) {}

    static void assertLogin(String user, String password, boolean expected) throws IOException {
        assertLogin(dovecot, new Login(user, password, expected));
    }

    static void assertLogin(DovecotFixture fixture, Login login) throws IOException {
        try (ImapClient imap = fixture.imap()) {
            ImapClient.Response r = imap.login(login.user(), login.password());
            assertThat(r.ok()).as("LOGIN " + login.user() + ": " + r + fixture.logTail()).isEqualTo(login.expected());
        }
    }

    /**
     * Dovecot answers failed auths from a 500 ms timer, even with {@code auth_failure_delay = 0}; logins on
     * separate connections at the same time share one wait.
     */
    static void assertLogins(DovecotFixture fixture, Login... logins) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(logins.length);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (Login login : logins) {
                results.add(pool.submit(() -> {
                    assertLogin(fixture, login);
                    return null;
                }));
            }
            for (Future<Void> result : results) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertDelivered(LmtpClient lmtp, String rcpt, String message) throws IOException {
        assertThat(lmtp.lhlo("client.test").code()).isEqualTo(250);
        assertThat(lmtp.mailFrom("sender@example.net").code()).isEqualTo(250);
        LmtpClient.Reply accepted = lmtp.rcptTo(rcpt);
        assertThat(accepted.code()).as(accepted + dovecot.logTail()).isEqualTo(250);
        List<LmtpClient.Reply> replies = lmtp.data(message);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).code()).as(replies + dovecot.logTail()).isEqualTo(250);
    }

    /** One request to the quota-status policy service, as Postfix would send it; returns the action line. */
    static String quotaStatus(String recipient, int size) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dovecot.quotaStatusPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + recipient
                    + "\nsize=" + size + "\n\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }
}
