package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's mail architecture: a Dovecot IMAP/POP3 proxy in front of a Dovecot backend (domain a.example)
 * and a Cyrus IMAP backend (b.example), all reading hostd's store; customers log in only at the proxy, over IMAP
 * or POP3, with the passwords hostd keeps hashed, and reach their mail on either backend (POP3 sessions go to the
 * backend's {@code pop3Port}, from hostd's {@code mail_route}).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProxyOnDovecotAndCyrusTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String NEW_PASSWORD = "Harbor-Velvet-Compass-57";
    static final String ADMIN_PASSWORD = "cyrus-admin-Secret-1";
    static final String PROXY_PASSWORD = "cyrus-proxy-Secret-2";

    private static DovecotFixture dovecot;
    private static CyrusFixture cyrus;
    private static DovecotProxyFixture proxy;
    private static TestHostd hostd;
    private static Hostctl h;

    @BeforeAll
    static void start(@TempDir Path tmp) throws IOException {
        DovecotProxyFixture.assumeAvailable();
        CyrusFixture.assumeAvailable();
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Fixtures.CLOCK).close();
        Path db = data.resolve(Hostd.SQLITE_FILE);
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db.toString())
                .masterPassword("master-" + PASSWORD).pop3(true).start();
        cyrus = CyrusFixture.start(ADMIN_PASSWORD, PROXY_PASSWORD);
        Files.writeString(data.resolve("cyrus-admin.pw"), ADMIN_PASSWORD + "\n");
        String config = Fixtures.CONFIG + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n  backends:\n"
                + "    - {name: mx-a, host: 127.0.0.1, imapPort: " + dovecot.imapPort() + ", pop3Port: "
                + dovecot.pop3Port() + ", lmtpPort: " + dovecot.lmtpPort() + ", domains: [a.example]}\n"
                + MailboxesOnCyrusTest.backend("cy-b", cyrus, "cyrus-admin.pw", "b.example");
        hostd = TestHostd.start(data, config, Fixtures.CLOCK);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        hostd.hostd().mailboxes().addDomain("alice", "b.example");
        h = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        proxy = DovecotProxyFixture.start(db, PROXY_PASSWORD);
    }

    @AfterAll
    static void stop() {
        Fixtures.closeAll(proxy, hostd, cyrus, dovecot);
    }

    private static void create(String address, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("mailbox", "create", address, "--password-stdin"));
        args.addAll(List.of(more));
        HostctlRun run = h.runWithStdin(PASSWORD + "\n", args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private static boolean login(String user, String password) throws IOException {
        try (ImapClient imap = proxy.imap()) {
            return imap.login(user, password).ok();
        }
    }

    /** Whether a POP3 login (USER/PASS) through the proxy succeeds; the session is ended with QUIT. */
    private static boolean pop3Login(String user, String password) throws IOException {
        try (Pop3Client pop3 = proxy.pop3()) {
            boolean ok = pop3.login(user, password).ok();
            pop3.quit();
            return ok;
        }
    }

    /** Subjects in the INBOX, read through the proxy. */
    private static List<String> inbox(String user, String password) throws IOException {
        try (ImapClient imap = proxy.imap()) {
            ImapClient.Response login = imap.login(user, password);
            assertThat(login.ok()).as(login + proxy.logTail()).isTrue();
            assertThat(imap.select("INBOX").ok()).isTrue();
            return imap.fetchSubjects();
        }
    }

    @Test
    void customers_of_both_backends_log_in_at_the_proxy_with_their_password_and_only_with_it() throws IOException {
        create("ann@a.example");
        create("bob@b.example");

        assertThat(login("ann@a.example", PASSWORD)).as(proxy.logTail()).isTrue();
        assertThat(login("bob@b.example", PASSWORD)).as(proxy.logTail()).isTrue();
        assertThat(login("Bob@B.example", PASSWORD)).as("looked up in lower case").isTrue();
        assertThat(login("ann@a.example", NEW_PASSWORD)).isFalse();
        assertThat(login("bob@b.example", NEW_PASSWORD)).isFalse();
        assertThat(login("nobody@b.example", PASSWORD)).isFalse();
    }

    @Test
    void mail_delivered_to_either_backend_is_read_through_the_proxy() throws IOException {
        create("cleo@a.example");
        create("carl@b.example");
        assertThat(MailboxesOnCyrusTest.deliver(dovecot.lmtp(), "cleo@a.example", "hello cleo", 10))
                .allMatch(LmtpClient.Reply::positive);
        assertThat(MailboxesOnCyrusTest.deliver(cyrus.lmtp(), "carl@b.example", "hello carl", 10))
                .allMatch(LmtpClient.Reply::positive);

        assertThat(inbox("cleo@a.example", PASSWORD)).containsExactly("hello cleo");
        assertThat(inbox("carl@b.example", PASSWORD)).containsExactly("hello carl");
    }

    @Test
    void passwd_changes_the_password_the_proxy_checks_for_both_backends() throws IOException {
        create("dora@a.example");
        create("dirk@b.example");
        for (String address : List.of("dora@a.example", "dirk@b.example")) {
            HostctlRun run = h.runWithStdin(NEW_PASSWORD + "\n", "mailbox", "passwd", address, "--password-stdin");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(login(address, PASSWORD)).as(address).isFalse();
            try (ImapClient imap = proxy.imap()) {
                assertThat(imap.login(address, NEW_PASSWORD).ok()).as(address).isTrue();
                assertThat(imap.select("INBOX").ok()).as(address).isTrue();
            }
        }
    }

    @Test
    void the_quota_is_enforced_on_delivery_to_cyrus_and_the_mail_below_it_is_read_through_the_proxy()
            throws IOException {
        create("emma@b.example", "--quota", "20K");
        assertThat(MailboxesOnCyrusTest.deliver(cyrus.lmtp(), "emma@b.example", "fits", 12_000))
                .allMatch(LmtpClient.Reply::positive);
        List<LmtpClient.Reply> over = MailboxesOnCyrusTest.deliver(cyrus.lmtp(), "emma@b.example", "too much", 12_000);
        assertThat(over).hasSize(1);
        assertThat(over.get(0).code()).as(over.toString()).isEqualTo(552);
        assertThat(inbox("emma@b.example", PASSWORD)).containsExactly("fits");
    }

    @Test
    void disabled_and_deleted_mailboxes_are_refused_at_the_proxy_and_come_back() throws IOException {
        create("finn@a.example");
        create("fred@b.example");
        for (String address : List.of("finn@a.example", "fred@b.example")) {
            assertThat(h.run("mailbox", "disable", address, "--yes").exitCode()).isZero();
            assertThat(login(address, PASSWORD)).as(address).isFalse();
            assertThat(h.run("mailbox", "enable", address).exitCode()).isZero();
            assertThat(h.run("mailbox", "delete", address, "--yes").exitCode()).isZero();
            assertThat(login(address, PASSWORD)).as(address).isFalse();
            assertThat(h.run("mailbox", "restore", address).exitCode()).isZero();
            assertThat(login(address, PASSWORD)).as(address).isTrue();
        }
    }

    @Test
    void customers_of_both_backends_read_their_mail_over_pop3_at_the_proxy_with_their_password_and_only_with_it()
            throws IOException {
        create("gina@a.example");
        create("gus@b.example");
        assertThat(MailboxesOnCyrusTest.deliver(dovecot.lmtp(), "gina@a.example", "pop for gina", 300))
                .allMatch(LmtpClient.Reply::positive);
        assertThat(MailboxesOnCyrusTest.deliver(cyrus.lmtp(), "gus@b.example", "pop for gus", 300))
                .allMatch(LmtpClient.Reply::positive);

        for (String address : List.of("gina@a.example", "gus@b.example")) {
            String subject = "pop for " + address.substring(0, address.indexOf('@'));
            try (Pop3Client pop3 = proxy.pop3()) {
                assertThat(pop3.greeting()).as("the proxy answers").contains("Dovecot");
                Pop3Client.Reply login = pop3.login(address, PASSWORD);
                assertThat(login.ok()).as(address + ": " + login + proxy.logTail()).isTrue();
                if (address.endsWith("@b.example")) {
                    assertThat(pop3.capa()).as("the session is Cyrus's pop3d")
                            .anyMatch(l -> l.startsWith("IMPLEMENTATION Cyrus POP3"));
                }
                Pop3Client.Stat stat = pop3.stat();
                assertThat(stat.messages()).as(address).isEqualTo(1);
                String message = pop3.retr(1);
                assertThat(Pop3Client.subject(message)).as(address).isEqualTo(subject);
                assertThat(message).as(address).contains("x".repeat(300));
                assertThat(stat.octets()).as(address).isGreaterThanOrEqualTo(300);
                assertThat(pop3.quit().ok()).as(address).isTrue();
            }
            assertThat(pop3Login(address, NEW_PASSWORD)).as(address).isFalse();
            assertThat(pop3Login(address.toUpperCase(java.util.Locale.ROOT), PASSWORD))
                    .as("looked up in lower case").isTrue();
        }
        assertThat(pop3Login("nobody@a.example", PASSWORD)).isFalse();
        assertThat(pop3Login("nobody@b.example", PASSWORD)).isFalse();
    }

    @Test
    void disabled_and_deleted_mailboxes_are_refused_over_pop3_at_the_proxy_and_come_back() throws IOException {
        create("hana@a.example");
        create("hugo@b.example");
        for (String address : List.of("hana@a.example", "hugo@b.example")) {
            assertThat(pop3Login(address, PASSWORD)).as(address + proxy.logTail()).isTrue();
            assertThat(h.run("mailbox", "disable", address, "--yes").exitCode()).isZero();
            assertThat(pop3Login(address, PASSWORD)).as(address).isFalse();
            assertThat(h.run("mailbox", "enable", address).exitCode()).isZero();
            assertThat(pop3Login(address, PASSWORD)).as(address).isTrue();
            assertThat(h.run("mailbox", "delete", address, "--yes").exitCode()).isZero();
            assertThat(pop3Login(address, PASSWORD)).as(address).isFalse();
            assertThat(h.run("mailbox", "restore", address).exitCode()).isZero();
            assertThat(pop3Login(address, PASSWORD)).as(address).isTrue();
        }
    }
}
