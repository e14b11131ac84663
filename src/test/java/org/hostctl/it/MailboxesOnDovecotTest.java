package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hostctl.api.Json;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostctl → hostd → the tables a real Dovecot authenticates against: every mailbox verb shows up at the IMAP and
 * LMTP doors, on SQLite (the embedded default) and on PostgreSQL.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailboxesOnDovecotTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String NEW_PASSWORD = "Harbor-Velvet-Compass-57";

    abstract static class Backend {
        TestHostd hostd;
        DovecotFixture dovecot;
        PostfixFixture postfix;
        Hostctl h;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream originalErr;

        /** Creates the database hostd owns, and returns the Dovecot driver and connect string for it. */
        abstract DovecotFixture.Driver driver();

        abstract String database(Path data) throws IOException;

        abstract String connect(Path data, String database);

        /** How Postfix reads the same tables. */
        abstract PostfixFixture.Backend postfixBackend(Path data) throws IOException;

        @BeforeAll
        void start(@TempDir Path tmp) throws IOException {
            DovecotFixture.assumeAvailable();
            originalErr = System.err;
            System.setErr(new PrintStream(new TeeStream(originalErr, log), true, StandardCharsets.UTF_8));
            Path data = TestHostd.dataDir(tmp.resolve("data"));
            String db = database(data);
            String base = Fixtures.CONFIG + (db == null ? "" : "database: \"" + db + "\"\n");
            Files.writeString(data.resolve("hostd.yaml"), base);
            Hostd.open(data, Fixtures.CLOCK).close();
            dovecot = DovecotFixture.builder(driver(), connect(data, db)).masterPassword("master-" + PASSWORD).start();
            String config = base + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n  doveadm: [\"/usr/bin/doveadm\", \"-c\", \""
                    + dovecot.configFile() + "\"]\n";
            hostd = TestHostd.start(data, config, Fixtures.CLOCK);
            hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
            hostd.hostd().mailboxes().addDomain("alice", "example.com");
            h = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                    .env("HOSTCTL_TOKEN", hostd.token("alice", false));
            PostfixFixture.assumeAvailable();
            postfix = PostfixFixture.start(tmp.resolve("postfix"), postfixBackend(data), dovecot.lmtpPort());
        }

        @AfterAll
        void stop() {
            if (originalErr != null) {
                System.setErr(originalErr);
            }
            if (postfix != null) {
                postfix.close();
            }
            if (hostd != null) {
                hostd.close();
            }
            if (dovecot != null) {
                dovecot.close();
            }
        }

        private boolean login(String user, String password) throws IOException {
            try (ImapClient imap = dovecot.imap()) {
                return imap.login(user, password).ok();
            }
        }

        private List<LmtpClient.Reply> deliver(String to, String subject, int bodyBytes) throws IOException {
            try (LmtpClient lmtp = dovecot.lmtp()) {
                lmtp.lhlo("test.example");
                lmtp.mailFrom("sender@other.example");
                LmtpClient.Reply rcpt = lmtp.rcptTo(to);
                if (!rcpt.positive()) {
                    return List.of(rcpt);
                }
                String msg = "From: sender@other.example\r\nTo: " + to + "\r\nSubject: " + subject
                        + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@other.example>\r\n\r\n"
                        + "x".repeat(bodyBytes) + "\r\n";
                return lmtp.data(msg);
            }
        }

        private long messages(String user, String password) throws IOException {
            try (ImapClient imap = dovecot.imap()) {
                assertThat(imap.login(user, password).ok()).isTrue();
                return imap.status("INBOX", "MESSAGES").get("MESSAGES");
            }
        }

        private HostctlRun create(String address, String password, String... more) {
            String[] args = Stream.concat(Stream.of("mailbox", "create", address, "--password-stdin"), Stream.of(more))
                    .toArray(String[]::new);
            HostctlRun run = h.runWithStdin(password + "\n", args);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            return run;
        }

        @Test
        void a_created_mailbox_logs_in_with_its_password_and_only_with_it() throws IOException {
            create("Alice@Example.COM", PASSWORD);

            assertThat(login("alice@example.com", PASSWORD)).isTrue();
            assertThat(login("ALICE@example.com", PASSWORD)).as("Dovecot looks up %Lu").isTrue();
            assertThat(login("alice@example.com", NEW_PASSWORD)).isFalse();
        }

        @Test
        void passwd_makes_the_old_password_fail_and_the_new_one_work() throws IOException {
            create("bob@example.com", PASSWORD);

            HostctlRun run = h.runWithStdin(NEW_PASSWORD + "\n", "mailbox", "passwd", "bob@example.com",
                    "--password-stdin", "-v");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(login("bob@example.com", PASSWORD)).isFalse();
            assertThat(login("bob@example.com", NEW_PASSWORD)).isTrue();
            assertThat(run.out() + run.err()).doesNotContain(NEW_PASSWORD);
        }

        @Test
        void disable_refuses_login_and_mail_and_enable_restores_both_without_losing_mail() throws IOException {
            create("carol@example.com", PASSWORD);
            assertThat(deliver("carol@example.com", "before", 100)).allMatch(LmtpClient.Reply::positive);

            assertThat(h.run("mailbox", "disable", "carol@example.com", "--yes").exitCode()).isZero();
            assertThat(login("carol@example.com", PASSWORD)).isFalse();
            assertThat(deliver("carol@example.com", "while disabled", 100)).singleElement()
                    .satisfies(r -> assertThat(r.code()).isEqualTo(550));

            assertThat(h.run("mailbox", "enable", "carol@example.com").exitCode()).isZero();
            assertThat(messages("carol@example.com", PASSWORD)).isEqualTo(1);
        }

        @Test
        void delivery_over_the_quota_is_refused() throws IOException {
            create("dave@example.com", PASSWORD, "--quota", "4K");

            assertThat(deliver("dave@example.com", "small", 1000)).allMatch(LmtpClient.Reply::positive);
            List<LmtpClient.Reply> big = deliver("dave@example.com", "too big", 8000);
            assertThat(big).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(552);
                assertThat(r.text()).contains("Mailbox is full");
            });
            JsonNode shown = Json.mapper().readTree(h.run("mailbox", "show", "dave@example.com", "-o", "json").out());
            assertThat(shown.get("usageSource").asText()).isEqualTo("maildir");
            assertThat(shown.get("usageBytes").asLong()).isGreaterThan(1000).isLessThan(4096)
                    .isEqualTo(dovecotVsize("dave@example.com"));

            assertThat(h.run("mailbox", "quota", "dave@example.com", "1M").exitCode()).isZero();
            assertThat(deliver("dave@example.com", "fits now", 8000)).allMatch(LmtpClient.Reply::positive);
        }

        /** USED of {@code mailbox show}, in bytes. */
        private long used(String address) throws IOException {
            HostctlRun run = h.run("mailbox", "show", address, "-o", "json");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            return Json.mapper().readTree(run.out()).get("usageBytes").asLong();
        }

        /** What Dovecot's quota counts: the virtual sizes of all messages, exact bytes. */
        private long dovecotVsize(String address) {
            DovecotFixture.ToolResult r = dovecot.doveadm("mailbox", "status", "-u", address, "vsize", "*");
            assertThat(r.ok()).as(r.toString()).isTrue();
            return r.stdout().lines().map(l -> l.replaceAll(".*vsize=", "").strip()).mapToLong(Long::parseLong).sum();
        }

        @Test
        void usage_is_what_dovecot_counts_and_the_same_whether_active_disabled_deleted_or_restored()
                throws IOException {
            create("ursula@example.com", PASSWORD);
            assertThat(deliver("ursula@example.com", "one", 1500)).allMatch(LmtpClient.Reply::positive);
            assertThat(deliver("ursula@example.com", "two", 700)).allMatch(LmtpClient.Reply::positive);
            assertThat(messages("ursula@example.com", PASSWORD)).as("Dovecot wrote its index files").isEqualTo(2);
            long active = used("ursula@example.com");
            long counted = dovecotVsize("ursula@example.com");

            assertThat(h.run("mailbox", "disable", "ursula@example.com", "--yes").exitCode()).isZero();
            assertThat(used("ursula@example.com")).as("disabled").isEqualTo(active);
            assertThat(h.run("mailbox", "enable", "ursula@example.com").exitCode()).isZero();
            assertThat(used("ursula@example.com")).as("enabled again").isEqualTo(active);
            assertThat(h.run("mailbox", "delete", "ursula@example.com", "--yes").exitCode()).isZero();
            assertThat(used("ursula@example.com")).as("deleted").isEqualTo(active);
            assertThat(h.run("mailbox", "restore", "ursula@example.com").exitCode()).isZero();
            assertThat(used("ursula@example.com")).as("restored").isEqualTo(active);
            assertThat(active).as("what Dovecot's quota counts, to the byte").isEqualTo(counted).isGreaterThan(2200);
        }

        @Test
        void delete_fails_the_login_and_restore_brings_the_mailbox_back_with_its_mail() throws IOException {
            create("erin@example.com", PASSWORD);
            assertThat(deliver("erin@example.com", "keep me", 200)).allMatch(LmtpClient.Reply::positive);

            assertThat(h.run("mailbox", "delete", "erin@example.com", "--yes").exitCode()).isZero();
            assertThat(login("erin@example.com", PASSWORD)).isFalse();
            assertThat(deliver("erin@example.com", "after delete", 10)).singleElement()
                    .satisfies(r -> assertThat(r.code()).isEqualTo(550));

            assertThat(h.run("mailbox", "restore", "erin@example.com").exitCode()).isZero();
            assertThat(messages("erin@example.com", PASSWORD)).isEqualTo(1);
        }

        @Test
        void mail_to_an_alias_arrives_in_its_destination_mailbox_through_postfix() throws Exception {
            create("gina@example.com", PASSWORD);
            assertThat(h.run("alias", "add", "team@example.com", "gina@example.com").exitCode()).isZero();

            SmtpClient.Session s = SmtpClient.send(postfix.smtpPort(), "sender@other.example",
                    List.of("team@example.com"), "From: sender@other.example\r\nTo: team@example.com\r\n"
                            + "Subject: for the team\r\nMessage-ID: <team-1@other.example>\r\n\r\nhello\r\n");
            assertThat(s.rcpts()).allMatch(SmtpClient.Reply::positive);
            assertThat(s.data().positive()).as(s.data().text()).isTrue();

            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            long n = 0;
            while (n == 0 && System.nanoTime() < deadline) {
                n = messages("gina@example.com", PASSWORD);
                if (n == 0) {
                    Thread.sleep(200);
                }
            }
            assertThat(n).as("delivered to gina via the alias; postfix log:%n%s", postfix.logTail()).isEqualTo(1);
            SmtpClient.Session unknown = SmtpClient.send(postfix.smtpPort(), "sender@other.example",
                    List.of("nobody@example.com"), "Subject: x\r\n\r\nx\r\n");
            assertThat(unknown.rcpts()).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(550));
        }

        @Test
        void the_password_is_in_no_log_no_process_argument_and_no_response() throws IOException {
            HostctlRun created = create("frank@example.com", PASSWORD, "-v", "-o", "json");
            assertThat(login("frank@example.com", PASSWORD)).isTrue();

            assertThat(created.out() + created.err()).doesNotContain(PASSWORD);
            assertThat(log.toString(StandardCharsets.UTF_8)).as("hostd's log").contains("frank@example.com")
                    .doesNotContain(PASSWORD);
            assertThat(Files.readString(dovecot.logFile())).doesNotContain(PASSWORD);
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    for (String f : List.of("cmdline", "environ")) {
                        try {
                            assertThat(new String(Files.readAllBytes(proc.resolve(f)), StandardCharsets.ISO_8859_1))
                                    .as(proc + "/" + f).doesNotContain(PASSWORD);
                        } catch (IOException gone) {
                            // the process ended or is not ours to read
                        }
                    }
                }
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnSqlite extends Backend {
        @Override
        DovecotFixture.Driver driver() {
            return DovecotFixture.Driver.SQLITE;
        }

        @Override
        String database(Path data) {
            return null;
        }

        @Override
        String connect(Path data, String database) {
            return data.resolve(Hostd.SQLITE_FILE).toString();
        }

        @Override
        PostfixFixture.Backend postfixBackend(Path data) throws IOException {
            Path db = data.resolve(Hostd.SQLITE_FILE);
            PostfixFixture.shareSqliteWithPostfix(db);
            return PostfixFixture.Backend.sqlite(db);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgres extends Backend {
        int port;
        String name;

        @Override
        DovecotFixture.Driver driver() {
            return DovecotFixture.Driver.PGSQL;
        }

        @Override
        String database(Path data) {
            PostgresFixture pg = PostgresFixture.require();
            port = pg.port();
            name = "hostd_dovecot";
            return pg.createDatabase(name);
        }

        @Override
        String connect(Path data, String database) {
            return "host=127.0.0.1 port=" + port + " dbname=" + name + " user=postgres";
        }

        @Override
        PostfixFixture.Backend postfixBackend(Path data) {
            return PostfixFixture.Backend.pgsql(port, name, "postgres");
        }
    }

    /** Writes to two streams, to see hostd's log while keeping it in the test output. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
