package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.server.Hostd;
import org.hostctl.server.store.MailRouteRepository;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.HostdAdmin;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostd domain move} between a Dovecot backend (mx-a, Sieve through its ManageSieve) and a Cyrus backend
 * (cy-b), with the Dovecot proxy in front and one Postfix routing each domain by {@code mail_route} (the kit's
 * hostd-transport.cf): refusals change nothing, a dry run changes nothing, the move creates the mailboxes on Cyrus,
 * copies the active Sieve script, and new mail and logins go to Cyrus while the old mail stays where it was; and
 * back again.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DomainMoveOnDovecotAndCyrusTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String MASTER = "master-" + PASSWORD;
    static final String ADMIN_PASSWORD = "cyrus-admin-Secret-1";
    static final String PROXY_PASSWORD = "cyrus-proxy-Secret-2";

    DovecotFixture dovecot;
    CyrusFixture cyrus;
    DovecotProxyFixture proxy;
    PostfixFixture postfix;
    TestHostd hostd;
    Hostctl h;
    Path data;
    Path db;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotProxyFixture.assumeAvailable();
        CyrusFixture.assumeAvailable();
        PostfixFixture.assumeAvailable();
        data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Fixtures.CLOCK).close();
        db = data.resolve(Hostd.SQLITE_FILE);
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db.toString()).masterPassword(MASTER).start();
        cyrus = CyrusFixture.start(ADMIN_PASSWORD, PROXY_PASSWORD);
        Path admin = data.resolve("cyrus-admin.pw");
        Path proxySecret = data.resolve("cyrus-proxy.pw");
        Path master = data.resolve("dovecot-master.pw");
        Files.writeString(admin, ADMIN_PASSWORD + "\n");
        Files.writeString(proxySecret, PROXY_PASSWORD + "\n");
        Files.writeString(master, MASTER + "\n");
        for (Path p : List.of(admin, proxySecret, master)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        String config = Fixtures.CONFIG
                + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n  backends:\n"
                + "    - {name: mx-a, host: 127.0.0.1, imapPort: " + dovecot.imapPort() + ", lmtpPort: "
                + dovecot.lmtpPort() + ", domains: [a.example]}\n"
                + MailboxesOnCyrusTest.backend("cy-b", cyrus, "cyrus-admin.pw")
                + "      transport: \"lmtp:unix:" + cyrus.lmtpSocket() + "\"\n"
                + "sieve:\n  backends:\n"
                + SieveOnDovecotTest.backend("mx-a", dovecot, master, "a.example")
                + "    - {name: cy-b, host: 127.0.0.1, port: " + cyrus.sievePort() + ", tls: none, masterUser: "
                + CyrusFixture.PROXY + ", masterPasswordFile: \"" + proxySecret + "\", timeoutSeconds: 3}\n";
        hostd = TestHostd.start(data, config, Fixtures.CLOCK);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        h = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        for (String address : List.of("ann@a.example", "bob@a.example", "cid@a.example")) {
            ok(h.runWithStdin(PASSWORD + "\n", "mailbox", "create", address, "--password-stdin"));
        }
        Path zip = tmp.resolve("zip.sieve");
        Files.writeString(zip, SieveOnDovecotTest.ZIP_RULE);
        ok(h.run("sieve", "put", "ann@a.example", "zip", zip.toString(), "--activate"));
        ok(h.run("mailbox", "disable", "bob@a.example", "--yes"));
        ok(h.run("mailbox", "delete", "cid@a.example", "--yes"));
        PostfixFixture.shareSqliteWithPostfix(db);
        postfix = PostfixFixture.startWithMailRoutes(tmp.resolve("pf"), PostfixFixture.Backend.sqlite(db),
                dovecot.lmtpPort());
        proxy = DovecotProxyFixture.start(db, PROXY_PASSWORD);
    }

    @AfterAll
    void stop() {
        Fixtures.closeAll(proxy, postfix, hostd, cyrus, dovecot);
    }

    private static HostctlRun ok(HostctlRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private HostctlRun hostd(String... args) {
        return HostdAdmin.run(data, args);
    }

    private MailRouteRepository.Route route() {
        return hostd.hostd().mailRoutes().list().stream().filter(r -> r.domain().equals("a.example")).findFirst()
                .orElseThrow();
    }

    /**
     * Sends a message through Postfix's smtpd (the way mail from outside arrives), from {@code sender}: Postfix's
     * processes keep the last (sender, recipient) they resolved for 30 s, so each step sends from another sender.
     */
    private void send(String sender, String to, String subject, String extra) {
        SmtpClient.Session s = SmtpClient.send(postfix.smtpPort(), sender, List.of(to),
                "From: " + sender + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <"
                        + subject.replace(' ', '-') + "@other.example>\r\n" + extra + "\r\n");
        assertThat(s.data().positive()).as(s + postfix.logTail()).isTrue();
    }

    /** INBOX subjects read through the proxy with the customer's password. */
    private List<String> inbox(String user) throws IOException {
        try (ImapClient imap = proxy.imap()) {
            ImapClient.Response login = imap.login(user, PASSWORD);
            assertThat(login.ok()).as(login + proxy.logTail()).isTrue();
            ImapClient.Response select = imap.select("INBOX");
            assertThat(select.ok()).isTrue();
            if (select.untagged().contains("* 0 EXISTS")) {
                return List.of(); // Cyrus answers NO to a FETCH of an empty mailbox
            }
            return imap.fetchSubjects();
        }
    }

    private List<String> awaitInbox(String user, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            last = inbox(user);
            if (last.contains(subject)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(subject + " not delivered to " + user + " within 30 s; INBOX: " + last
                + postfix.logTail());
    }

    /** Whether Cyrus has the mailbox (LIST as the admin). */
    private boolean onCyrus(String address) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.login(CyrusFixture.ADMIN, ADMIN_PASSWORD).ok()).isTrue();
            return imap.command("LIST \"\" \"user/" + address + "\"").untagged().stream()
                    .anyMatch(l -> l.startsWith("* LIST "));
        }
    }

    private long countOnCyrus(String address, String folder) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain(address, CyrusFixture.PROXY, PROXY_PASSWORD).ok()).isTrue();
            try {
                return imap.status(folder, "MESSAGES").get("MESSAGES");
            } catch (IOException e) {
                if (e.getMessage().contains("does not exist")) {
                    return 0; // not created yet (the rule files with :create)
                }
                throw e;
            }
        }
    }

    @Test
    @Order(1)
    void before_the_move_postfix_delivers_to_dovecot_and_an_unknown_backend_or_domain_is_refused() throws Exception {
        send("early@other.example", "ann@a.example", "old mail", "");
        assertThat(awaitInbox("ann@a.example", "old mail")).containsExactly("old mail");

        HostctlRun unknown = hostd("domain", "move", "a.example", "--backend", "nope");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(3);
        assertThat(unknown.err()).contains("no mail backend nope").contains("mx-a, cy-b");
        HostctlRun noDomain = hostd("domain", "move", "z.example", "--backend", "cy-b");
        assertThat(noDomain.exitCode()).as(noDomain.toString()).isEqualTo(3);
        HostctlRun already = hostd("domain", "move", "a.example", "--backend", "mx-a");
        assertThat(already.exitCode()).as(already.toString()).isEqualTo(5);
        assertThat(already.err()).contains("already on mail backend mx-a");
        assertThat(route().backend()).isEqualTo("mx-a");
    }

    @Test
    @Order(2)
    void a_move_to_a_stopped_backend_is_refused_and_changes_nothing() throws IOException {
        cyrus.stop();
        try {
            HostctlRun run = hostd("domain", "move", "a.example", "--backend", "cy-b");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).contains("mail backend cy-b is down").contains("nothing was changed");
        } finally {
            cyrus.restart();
        }
        assertThat(route().backend()).isEqualTo("mx-a");
        assertThat(onCyrus("ann@a.example")).isFalse();
    }

    @Test
    @Order(3)
    void a_dry_run_prints_the_plan_and_changes_nothing() throws Exception {
        HostctlRun run = ok(hostd("domain", "move", "a.example", "--backend", "cy-b", "--dry-run"));
        assertThat(run.out()).contains("Dry run, nothing changed: would move a.example from mx-a (dovecot) to cy-b"
                + " (cyrus)").contains("ann@a.example (active): create (CREATE, SETQUOTA, SETACL)")
                .contains("zip (active)").contains("NOT moved").contains("imapsync is not packaged in Debian 12");
        JsonNode plan = Json.mapper().readTree(ok(hostd("domain", "move", "a.example", "--backend", "cy-b",
                "--dry-run", "-o", "json")).out());
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("moved").asBoolean()).isFalse();
        assertThat(plan.get("mailboxes")).hasSize(3);

        assertThat(route().backend()).isEqualTo("mx-a");
        assertThat(onCyrus("ann@a.example")).isFalse();
        assertThat(ok(h.run("sieve", "list", "ann@a.example", "-o", "json")).out()).contains("\"name\" : \"zip\"");
    }

    @Test
    @Order(4)
    void a_step_failing_midway_leaves_the_domain_on_the_old_backend_and_says_what_was_created() throws IOException {
        Path proxySecret = data.resolve("cyrus-proxy.pw");
        Files.writeString(proxySecret, "not-the-proxy-password\n"); // read afresh by the command: PUTSCRIPT fails
        HostctlRun run;
        try {
            run = hostd("domain", "move", "a.example", "--backend", "cy-b");
        } finally {
            Files.writeString(proxySecret, PROXY_PASSWORD + "\n");
        }
        assertThat(run.exitCode()).as(run.toString()).isIn(5, 6);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("moving a.example to cy-b failed while storing Sieve script zip of"
                + " ann@a.example").contains("the domain stays on mx-a")
                .contains("Created on cy-b so far: mailbox ann@a.example, mailbox bob@a.example, mailbox"
                        + " cid@a.example").doesNotContain(PROXY_PASSWORD);
        assertThat(route().backend()).isEqualTo("mx-a");
        assertThat(onCyrus("ann@a.example")).as("created, and kept for the next attempt").isTrue();
        assertThat(ok(h.run("mailbox", "show", "ann@a.example", "-o", "json")).out())
                .as("still on Dovecot").doesNotContain("\"usageSource\" : \"cyrus\"");
    }

    @Test
    @Order(5)
    void the_move_creates_the_mailboxes_and_the_active_script_on_cyrus_and_new_mail_goes_there() throws Exception {
        HostctlRun run = ok(hostd("domain", "move", "a.example", "--backend", "cy-b"));
        assertThat(run.out()).contains("Moved a.example from mx-a (dovecot) to cy-b (cyrus)")
                .contains("ann@a.example (active): created (CREATE, SETQUOTA, SETACL)")
                .contains("bob@a.example (disabled): created, closed to its owner")
                .contains("cid@a.example (deleted): created, closed to its owner")
                .contains("Sieve: copied through cy-b: zip (active)")
                .contains("the mail itself (messages and folders) stays on mx-a")
                .contains("imapsync --host1 127.0.0.1 --port1 " + dovecot.imapPort() + " --user1 ann@a.example"
                        + " --authuser1 " + DovecotFixture.MASTER_USER)
                .contains("--user2 ann@a.example --authuser2 hostd-admin --passfile2 "
                        + data.resolve("cyrus-admin.pw").toAbsolutePath().normalize())
                .doesNotContain(ADMIN_PASSWORD).doesNotContain(MASTER).doesNotContain(PROXY_PASSWORD);
        MailRouteRepository.Route r = route();
        assertThat(r.backend()).isEqualTo("cy-b");
        assertThat(ok(hostd("domain", "list", "alice")).out()).containsPattern("a\\.example +alice +\\S+ +cy-b");
        assertThat(r.kind()).isEqualTo("cyrus");
        assertThat(r.transport()).isEqualTo("lmtp:unix:" + cyrus.lmtpSocket());
        for (String address : List.of("ann@a.example", "bob@a.example", "cid@a.example")) {
            assertThat(onCyrus(address)).as(address).isTrue();
        }

        assertThat(ok(h.run("mailbox", "list")).out()).contains("ann@a.example").contains("bob@a.example");
        assertThat(ok(h.run("mailbox", "show", "ann@a.example", "-o", "json")).out())
                .contains("\"usageSource\" : \"cyrus\"");
        assertThat(ok(h.run("sieve", "list", "ann@a.example", "-o", "json")).out()).contains("\"name\" : \"zip\"")
                .contains("\"active\" : true");
        assertThat(ok(h.run("sieve", "get", "ann@a.example", "zip")).out()).isEqualTo(SieveOnDovecotTest.ZIP_RULE);

        send("later@other.example", "ann@a.example", "new mail", "");
        assertThat(awaitInbox("ann@a.example", "new mail")).as("the old mail was not moved" + postfix.logTail())
                .containsExactly("new mail");
        String zip = SieveOnDovecotTest.zipMessage("<zip-move@other.example>");
        SmtpClient.Session s = SmtpClient.send(postfix.smtpPort(), "zip@other.example", List.of("ann@a.example"),
                zip);
        assertThat(s.data().positive()).as(s.toString()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (countOnCyrus("ann@a.example", "Archive") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(countOnCyrus("ann@a.example", "Archive")).as("the zip rule ran on Cyrus" + postfix.logTail())
                .isEqualTo(1);
    }

    @Test
    @Order(6)
    void moved_back_new_mail_goes_to_dovecot_again_next_to_the_old_mail() throws Exception {
        HostctlRun run = ok(hostd("domain", "move", "a.example", "--backend", "mx-a"));
        assertThat(run.out()).contains("Moved a.example from cy-b (cyrus) to mx-a (dovecot)")
                .contains("ann@a.example (active): nothing to create")
                .contains("imapsync --host1 127.0.0.1 --port1 " + cyrus.imapPort());
        assertThat(route().backend()).isEqualTo("mx-a");
        send("last@other.example", "ann@a.example", "back home", "");
        assertThat(awaitInbox("ann@a.example", "back home")).containsExactly("old mail", "back home");
        assertThat(ok(h.run("sieve", "list", "ann@a.example", "-o", "json")).out()).contains("\"name\" : \"zip\"")
                .contains("\"active\" : true");
    }
}
