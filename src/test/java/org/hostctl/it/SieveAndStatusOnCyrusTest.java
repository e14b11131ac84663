package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hostctl.api.Json;
import org.hostctl.api.Outage;
import org.hostctl.api.ServiceState;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
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
 * Sieve scripts stored through Cyrus's ManageSieve (timsieved) with proxy authorisation, run by Cyrus's lmtpd;
 * and the health probes of a Cyrus backend: stopped, its domain's services show down and its changes exit 6 naming
 * it, while the Dovecot backend's domain works; started again, the history keeps the outage.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SieveAndStatusOnCyrusTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String ADMIN_PASSWORD = "cyrus-admin-Secret-1";
    static final String PROXY_PASSWORD = "cyrus-proxy-Secret-2";
    static final Set<String> MAIL_SERVICES = Set.of("imap", "lmtp", "managesieve");
    static final int UNAVAILABLE = 6;

    DovecotFixture dovecot;
    CyrusFixture cyrus;
    TestHostd hostd;
    Hostctl h;
    Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        CyrusFixture.assumeAvailable();
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Clock.systemUTC()).close();
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, data.resolve(Hostd.SQLITE_FILE).toString())
                .masterPassword("master-" + PASSWORD).start();
        cyrus = CyrusFixture.start(ADMIN_PASSWORD, PROXY_PASSWORD);
        Files.writeString(data.resolve("cyrus-admin.pw"), ADMIN_PASSWORD + "\n");
        Path dovecotSecret = data.resolve("dovecot-master.pw");
        Files.writeString(dovecotSecret, "master-" + PASSWORD + "\n");
        Path proxySecret = data.resolve("cyrus-proxy.pw");
        Files.writeString(proxySecret, PROXY_PASSWORD + "\n");
        for (Path p : List.of(dovecotSecret, proxySecret, data.resolve("cyrus-admin.pw"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        String config = Fixtures.CONFIG
                + "status:\n  intervalSeconds: 2\n  timeoutSeconds: 1\n"
                + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n  backends:\n"
                + "    - {name: mx-a, host: 127.0.0.1, imapPort: " + dovecot.imapPort() + ", lmtpPort: "
                + dovecot.lmtpPort() + ", domains: [a.example]}\n"
                + MailboxesOnCyrusTest.backend("cy-b", cyrus, "cyrus-admin.pw", "b.example")
                + "sieve:\n  backends:\n"
                + SieveOnDovecotTest.backend("mx-a", dovecot, dovecotSecret, "a.example")
                + "    - {name: cy-b, host: 127.0.0.1, port: " + cyrus.sievePort() + ", tls: none, masterUser: "
                + CyrusFixture.PROXY + ", masterPasswordFile: \"" + proxySecret + "\", timeoutSeconds: 3}\n";
        hostd = TestHostd.start(data, config, Clock.systemUTC());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        hostd.hostd().mailboxes().addDomain("alice", "b.example");
        h = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        for (String address : List.of("ann@a.example", "bea@b.example")) {
            ok(h.runWithStdin(PASSWORD + "\n", "mailbox", "create", address, "--password-stdin"));
        }
        files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("zip.sieve"), SieveOnDovecotTest.ZIP_RULE);
        Files.writeString(files.resolve("broken.sieve"), SieveOnDovecotTest.BROKEN);
        Files.writeString(files.resolve("keep.sieve"), "keep;\n");
    }

    @AfterAll
    void stop() {
        Fixtures.closeAll(hostd, cyrus, dovecot);
    }

    private static HostctlRun ok(HostctlRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    /** Messages in a folder of a Cyrus mailbox, as its owner sees them through the proxy user. */
    private long count(String address, String folder) throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain(address, CyrusFixture.PROXY, PROXY_PASSWORD).ok()).isTrue();
            return imap.status(folder, "MESSAGES").get("MESSAGES");
        }
    }

    private StatusReport report() {
        HostctlRun run = h.run("status", "-o", "json");
        assertThat(run.exitCode()).as(run.toString()).isIn(0, UNAVAILABLE);
        try {
            return Json.mapper().readValue(run.out(), StatusReport.class);
        } catch (IOException e) {
            throw new AssertionError("not a StatusReport: " + run, e);
        }
    }

    private static boolean mailIs(StatusReport r, String domain, String state) {
        List<ServiceState> rows = r.services().stream()
                .filter(s -> domain.equals(s.domain()) && MAIL_SERVICES.contains(s.service())).toList();
        return rows.size() == MAIL_SERVICES.size() && rows.stream().allMatch(s -> state.equals(s.state()));
    }

    private StatusReport await(Predicate<StatusReport> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        StatusReport last = null;
        while (System.nanoTime() < deadline) {
            last = report();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not seen within 20 s; last: " + last);
    }

    @Test
    @Order(1)
    void the_zip_rule_stored_through_cyrus_managesieve_files_the_zip_message_into_archive() throws IOException {
        ok(h.run("sieve", "put", "bea@b.example", "zip", files.resolve("zip.sieve").toString(), "--activate"));

        assertThat(MailboxesOnCyrusTest.deliver(cyrus.lmtp(), "bea@b.example", "plain", 10))
                .allMatch(LmtpClient.Reply::positive);
        String zip = SieveOnDovecotTest.zipMessage("<zip-c1@other.example>").replace("ann@a.example", "bea@b.example");
        try (LmtpClient lmtp = cyrus.lmtp()) {
            lmtp.lhlo("test.example");
            lmtp.mailFrom("sender@other.example");
            assertThat(lmtp.rcptTo("bea@b.example").positive()).isTrue();
            assertThat(lmtp.data(zip)).allMatch(LmtpClient.Reply::positive);
        }

        assertThat(count("bea@b.example", "Archive")).isEqualTo(1);
        assertThat(count("bea@b.example", "INBOX")).isEqualTo(1);
        assertThat(ok(h.run("sieve", "list", "bea@b.example", "-o", "json")).out()).contains("\"name\" : \"zip\"")
                .contains("\"active\" : true");
        assertThat(ok(h.run("sieve", "get", "bea@b.example", "zip")).out()).isEqualTo(SieveOnDovecotTest.ZIP_RULE);
    }

    @Test
    @Order(2)
    void a_script_with_an_error_is_refused_with_cyrus_line_numbered_message_and_the_active_one_stays() {
        HostctlRun broken = h.run("sieve", "put", "bea@b.example", "zip", files.resolve("broken.sieve").toString());

        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(5);
        assertThat(broken.err()).as("timsieved's CHECKSCRIPT answer").contains("line 4: syntax error");
        assertThat(ok(h.run("sieve", "get", "bea@b.example", "zip")).out()).isEqualTo(SieveOnDovecotTest.ZIP_RULE);
    }

    @Test
    @Order(3)
    void a_stopped_cyrus_shows_b_down_and_a_fine_and_b_changes_exit_6_naming_it_while_a_works()
            throws InterruptedException {
        await(r -> mailIs(r, "a.example", "ok") && mailIs(r, "b.example", "ok"), "both backends ok");
        cyrus.stop();
        StatusReport down = await(r -> mailIs(r, "b.example", "down"), "imap, lmtp and managesieve of b.example down");
        assertThat(mailIs(down, "a.example", "ok")).as(down.toString()).isTrue();
        assertThat(down.services()).filteredOn(s -> "b.example".equals(s.domain())
                && MAIL_SERVICES.contains(s.service())).allSatisfy(s -> assertThat(s.backend()).isEqualTo("cy-b"));
        HostctlRun status = h.run("status");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(UNAVAILABLE);
        assertThat(status.out()).contains("cy-b").contains("down");

        List<HostctlRun> refused = List.of(
                h.runWithStdin(PASSWORD + "\n", "mailbox", "create", "x@b.example", "--password-stdin"),
                h.run("mailbox", "quota", "bea@b.example", "2G"),
                h.run("sieve", "put", "bea@b.example", "keep", files.resolve("keep.sieve").toString()));
        for (HostctlRun run : refused) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(UNAVAILABLE);
            assertThat(run.err()).as(run.toString()).contains("cy-b");
        }
        ok(h.runWithStdin(PASSWORD + "\n", "mailbox", "create", "y@a.example", "--password-stdin"));
        ok(h.run("mailbox", "quota", "ann@a.example", "2G"));
        ok(h.run("sieve", "put", "ann@a.example", "keep", files.resolve("keep.sieve").toString()));
    }

    @Test
    @Order(4)
    void started_again_b_is_fine_and_the_history_keeps_its_outage() throws Exception {
        cyrus.restart();
        await(r -> mailIs(r, "b.example", "ok"), "b.example ok again");
        ok(h.run("mailbox", "quota", "bea@b.example", "2G"));

        HostctlRun run = ok(h.run("status", "history", "-o", "json"));
        StatusHistory history = Json.mapper().readValue(run.out(), StatusHistory.class);
        for (String service : MAIL_SERVICES) {
            List<Outage> o = history.outages().stream()
                    .filter(x -> "b.example".equals(x.domain()) && service.equals(x.service())).toList();
            assertThat(o).as(service + " outages of b.example: " + history.outages()).hasSize(1);
            assertThat(o.get(0).backend()).isEqualTo("cy-b");
            assertThat(o.get(0).end()).isNotNull();
        }
        assertThat(history.outages()).noneMatch(x -> "a.example".equals(x.domain()));
    }
}
