package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.MutableClock;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostctl → hostd → a real Cyrus IMAP backend (kind {@code cyrus}) administered over IMAP as its admin: every
 * mailbox verb shows up in Cyrus's mailbox list, quota roots and ACLs, seen through Cyrus's own IMAP door.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailboxesOnCyrusTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String ADMIN_PASSWORD = "cyrus-admin-Secret-1";
    static final String PROXY_PASSWORD = "cyrus-proxy-Secret-2";

    private static CyrusFixture cyrus;
    private static TestHostd hostd;
    private static Hostctl h;
    private static Path vmail;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

    /** The {@code mail.backends} entry of a Cyrus fixture, its admin password in {@code passwordFile}. */
    static String backend(String name, CyrusFixture cyrus, String passwordFile, String... domains) {
        return "    - name: " + name + "\n      kind: cyrus\n      host: 127.0.0.1\n      imapPort: " + cyrus.imapPort()
                + "\n      pop3Port: " + cyrus.pop3Port() + "\n      lmtpPort: " + cyrus.lmtpPort()
                + "\n      adminPasswordFile: \"" + passwordFile + "\"\n"
                + "      domains: [" + String.join(", ", domains) + "]\n";
    }

    @BeforeAll
    static void start(@TempDir Path tmp) throws IOException {
        CyrusFixture.assumeAvailable();
        cyrus = CyrusFixture.start(ADMIN_PASSWORD, PROXY_PASSWORD);
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        vmail = tmp.resolve("vmail");
        Files.writeString(data.resolve("cyrus-admin.pw"), ADMIN_PASSWORD + "\n");
        String config = Fixtures.CONFIG + "mail:\n  root: \"" + tmp.resolve("vmail") + "\"\n  retentionDays: 30\n"
                + "  backends:\n" + backend("cy-b", cyrus, "cyrus-admin.pw", "b.example");
        Files.writeString(data.resolve("hostd.yaml"), config);
        Hostd.open(data, CLOCK).close();
        hostd = TestHostd.start(data, config, CLOCK);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "b.example");
        h = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
    }

    @AfterAll
    static void stop() {
        if (hostd != null) {
            hostd.close();
        }
        if (cyrus != null) {
            cyrus.close();
        }
    }

    private static void create(String address, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("mailbox", "create", address, "--password-stdin"));
        args.addAll(List.of(more));
        HostctlRun run = h.runWithStdin(PASSWORD + "\n", args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private static ImapClient.Response admin(String command) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.login(CyrusFixture.ADMIN, ADMIN_PASSWORD).ok()).isTrue();
            return imap.command(command);
        }
    }

    private static boolean exists(String address) throws IOException {
        return admin("LIST \"\" \"user/" + address + "\"").untagged().stream()
                .anyMatch(l -> l.endsWith(" user/" + address));
    }

    /** SELECT INBOX as the owner, through the proxy user as the Dovecot proxy logs in. */
    private static boolean ownerCanRead(String address) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain(address, CyrusFixture.PROXY, PROXY_PASSWORD).ok()).isTrue();
            return imap.select("INBOX").ok();
        }
    }

    /** Messages in the INBOX, as the owner sees them through the proxy user. */
    private static long messages(String address) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain(address, CyrusFixture.PROXY, PROXY_PASSWORD).ok()).isTrue();
            return imap.status("INBOX", "MESSAGES").get("MESSAGES");
        }
    }

    private static List<LmtpClient.Reply> deliver(String to, int bodyBytes) throws IOException {
        return deliver(cyrus.lmtp(), to, "for " + to, bodyBytes);
    }

    /** One message of {@code bodyBytes} to {@code to} over {@code lmtp} (closed after); the RCPT or DATA replies. */
    static List<LmtpClient.Reply> deliver(LmtpClient lmtp, String to, String subject, int bodyBytes)
            throws IOException {
        try (lmtp) {
            lmtp.lhlo("test.example");
            lmtp.mailFrom("sender@other.example");
            LmtpClient.Reply rcpt = lmtp.rcptTo(to);
            if (!rcpt.positive()) {
                return List.of(rcpt);
            }
            return lmtp.data("From: sender@other.example\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\n"
                    + "x".repeat(bodyBytes) + "\r\n");
        }
    }

    @Test
    void create_makes_the_mailbox_on_cyrus_with_its_quota_and_owner() throws IOException {
        create("carol@b.example", "--quota", "2M");

        assertThat(exists("carol@b.example")).isTrue();
        assertThat(admin("GETQUOTAROOT \"user/carol@b.example\"").untagged())
                .contains("* QUOTA user/carol@b.example (STORAGE 0 2048)");
        assertThat(ownerCanRead("carol@b.example")).isTrue();
    }

    @Test
    void quota_changes_cyrus_and_delivery_beyond_it_is_refused_for_good() throws IOException {
        create("dave@b.example", "--quota", "2M");
        assertThat(h.run("mailbox", "quota", "dave@b.example", "20K").exitCode()).isZero();

        assertThat(admin("GETQUOTAROOT \"user/dave@b.example\"").untagged())
                .contains("* QUOTA user/dave@b.example (STORAGE 0 20)");
        assertThat(deliver("dave@b.example", 15_000)).allMatch(LmtpClient.Reply::positive);
        List<LmtpClient.Reply> over = deliver("dave@b.example", 15_000);
        assertThat(over).hasSize(1);
        assertThat(over.get(0).code()).as(over.toString()).isEqualTo(552);
        assertThat(messages("dave@b.example")).isEqualTo(1);
    }

    @Test
    void show_reads_the_usage_from_cyrus() throws IOException {
        create("erin@b.example");
        assertThat(deliver("erin@b.example", 5000)).allMatch(LmtpClient.Reply::positive);

        JsonNode shown = Json.mapper().readTree(h.run("mailbox", "show", "erin@b.example", "-o", "json").out());
        assertThat(shown.get("usageSource").asText()).isEqualTo("cyrus");
        assertThat(shown.get("usageBytes").asLong()).isBetween(5 * 1024L, 7 * 1024L);
    }

    @Test
    void disable_and_delete_close_the_mailbox_and_enable_and_restore_bring_it_back_with_its_mail()
            throws IOException {
        create("frank@b.example");
        assertThat(deliver("frank@b.example", 100)).allMatch(LmtpClient.Reply::positive);

        assertThat(h.run("mailbox", "disable", "frank@b.example", "--yes").exitCode()).isZero();
        assertThat(ownerCanRead("frank@b.example")).isFalse();
        assertThat(h.run("mailbox", "enable", "frank@b.example").exitCode()).isZero();
        assertThat(ownerCanRead("frank@b.example")).isTrue();

        assertThat(h.run("mailbox", "delete", "frank@b.example", "--yes").exitCode()).isZero();
        assertThat(ownerCanRead("frank@b.example")).isFalse();
        assertThat(exists("frank@b.example")).as("kept for the retention period").isTrue();
        assertThat(h.run("mailbox", "restore", "frank@b.example").exitCode()).isZero();
        assertThat(ownerCanRead("frank@b.example")).isTrue();
        assertThat(messages("frank@b.example")).isEqualTo(1);
    }

    @Test
    void the_purge_after_the_retention_period_deletes_the_mailbox_on_cyrus() throws IOException {
        create("gina@b.example");
        assertThat(h.run("mailbox", "delete", "gina@b.example", "--yes").exitCode()).isZero();
        CLOCK.advance(Duration.ofDays(31));
        try {
            assertThat(hostd.hostd().mailboxes().purgeExpired()).isGreaterThanOrEqualTo(1);
        } finally {
            CLOCK.advance(Duration.ofDays(-31));
        }
        assertThat(exists("gina@b.example")).isFalse();
        assertThat(admin("LIST \"\" \"DELETED/*\"").untagged()).as("Cyrus's delayed delete keeps it once more")
                .anyMatch(l -> l.contains("DELETED/user/gina/"));
    }

    @Test
    void a_quota_larger_than_cyrus_takes_is_refused_and_nothing_is_created() throws IOException {
        HostctlRun run = h.runWithStdin(PASSWORD + "\n", "mailbox", "create", "huge@b.example", "--password-stdin",
                "--quota", "3T");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.err()).contains("cy-b");
        assertThat(exists("huge@b.example")).isFalse();
        assertThat(h.run("mailbox", "show", "huge@b.example").exitCode()).isEqualTo(3);
    }

    @Test
    void an_autoresponder_cyrus_would_never_run_is_refused_and_nothing_is_written() throws IOException {
        create("olga@b.example");

        HostctlRun set = h.runWithStdin("Back on Monday.\n", "autoreply", "set", "olga@b.example", "--subject",
                "Away", "--text-file", "-");

        assertThat(set.exitCode()).as(set.toString()).isEqualTo(5);
        assertThat(set.err()).isEqualTo("hostctl: autoresponders are not available for olga@b.example: b.example is"
                + " on the Cyrus backend cy-b; add a vacation rule to the mailbox's Sieve script instead (hostctl sieve"
                + " edit)\n");
        HostctlRun show = h.run("autoreply", "show", "olga@b.example", "-o", "json");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(Json.mapper().readTree(show.out()).path("enabled").asBoolean()).isFalse();
        try (var files = Files.exists(vmail) ? Files.walk(vmail) : java.util.stream.Stream.<Path>empty()) {
            assertThat(files.filter(f -> f.getFileName().toString().contains("vacation"))).as("no vacation script")
                    .isEmpty();
        }
        assertThat(h.run("autoreply", "off", "olga@b.example").exitCode()).isZero();
    }

    @Test
    void changes_while_cyrus_is_down_exit_6_naming_the_backend_and_change_nothing() throws IOException {
        create("hank@b.example", "--quota", "1M");
        cyrus.stop();
        try {
            HostctlRun quota = h.run("mailbox", "quota", "hank@b.example", "5M");
            assertThat(quota.exitCode()).as(quota.toString()).isEqualTo(6);
            assertThat(quota.err()).contains("cy-b");
            HostctlRun created = h.runWithStdin(PASSWORD + "\n", "mailbox", "create", "ivan@b.example",
                    "--password-stdin");
            assertThat(created.exitCode()).as(created.toString()).isEqualTo(6);
        } finally {
            cyrus.restart();
        }
        JsonNode shown = Json.mapper().readTree(h.run("mailbox", "show", "hank@b.example", "-o", "json").out());
        assertThat(shown.get("quotaBytes").asLong()).isEqualTo(1024 * 1024);
        assertThat(h.run("mailbox", "show", "ivan@b.example").exitCode()).isEqualTo(3);
        assertThat(exists("ivan@b.example")).isFalse();
    }
}
