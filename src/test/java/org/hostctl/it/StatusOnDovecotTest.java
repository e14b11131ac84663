package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.api.Json;
import org.hostctl.api.Mailbox;
import org.hostctl.api.Notice;
import org.hostctl.api.Outage;
import org.hostctl.api.ServiceState;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.HostdAdmin;
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
 * hostctl status → hostd's health probes of two private Dovecot backends: domain a.example (account alice) on
 * mx-a, b.example (account bob) on mx-b. mx-a is stopped and started again; each customer sees only their own
 * domains' services, the outage is detected and ends within two probe intervals, mailbox and Sieve changes on the
 * stopped backend are refused naming it while the other backend keeps working, the history keeps the outage, and
 * the provider's notices reach the accounts they concern. hostd runs on the real clock: states change with time.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusOnDovecotTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String NEW_PASSWORD = "Harbor-Quill-Meadow-47";
    static final String MASTER = "Master-Sieve-Secret-61";
    static final int INTERVAL_SECONDS = 2;
    static final int TIMEOUT_SECONDS = 1;
    /** Two probe intervals plus one probe's timeout, plus 1 s of slack for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(2L * INTERVAL_SECONDS + TIMEOUT_SECONDS + 1);
    static final String BOUND_TEXT = "2 x intervalSeconds (" + INTERVAL_SECONDS + ") + timeoutSeconds ("
            + TIMEOUT_SECONDS + ") + 1 s = " + BOUND.toSeconds() + " s";
    static final Set<String> MAIL_SERVICES = Set.of("imap", "lmtp", "managesieve");
    static final int UNAVAILABLE = 6;

    TestHostd hostd;
    DovecotFixture mxA;
    DovecotFixture mxB;
    Hostctl alice;
    Hostctl bob;
    Path data;
    Path files;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream originalErr;

    // what the ordered tests hand on
    Instant stoppedAt;
    Instant restartedAt;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        originalErr = System.err;
        System.setErr(new PrintStream(new MailboxesOnDovecotTest.TeeStream(originalErr, log), true,
                StandardCharsets.UTF_8));
        data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Clock.systemUTC()).close();
        String db = data.resolve(Hostd.SQLITE_FILE).toString();
        mxA = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db).masterPassword(MASTER).start();
        mxB = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db).masterPassword(MASTER).start();
        Path secret = tmp.resolve("sieve-master.secret");
        Files.writeString(secret, MASTER + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String config = Fixtures.CONFIG
                + "status:\n  intervalSeconds: " + INTERVAL_SECONDS + "\n  timeoutSeconds: " + TIMEOUT_SECONDS + "\n"
                + "mail:\n  root: \"" + mxA.vmailRoot() + "\"\n  backends:\n"
                + mailBackend("mx-a", mxA, "a.example") + mailBackend("mx-b", mxB, "b.example")
                + "sieve:\n  backends:\n"
                + SieveOnDovecotTest.backend("mx-a", mxA, secret, "a.example") + SieveOnDovecotTest.backend("mx-b", mxB, secret, "b.example");
        hostd = TestHostd.start(data, config, Clock.systemUTC());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.addAccount("bob", Files.createDirectories(tmp.resolve("bob")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        hostd.hostd().mailboxes().addDomain("bob", "b.example");
        alice = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        bob = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("bob", false));
        assertOk(alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "ann@a.example", "--password-stdin",
                "--quota", "1G"));
        assertOk(bob.runWithStdin(PASSWORD + "\n", "mailbox", "create", "bo@b.example", "--password-stdin",
                "--quota", "1G"));
        files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("keep.sieve"), "require [\"fileinto\"];\nkeep;\n");
        Files.writeString(files.resolve("notice-a.txt"), "IMAP and delivery on mx-a are being restored.\n");
        Files.writeString(files.resolve("notice-all.txt"), "Maintenance on Sunday night.\n");
    }

    private static String mailBackend(String name, DovecotFixture d, String domain) {
        return "    - {name: " + name + ", host: 127.0.0.1, imapPort: " + d.imapPort() + ", lmtpPort: " + d.lmtpPort()
                + ", domains: [" + domain + "]}\n";
    }

    @AfterAll
    void stop() {
        if (originalErr != null) {
            System.setErr(originalErr);
        }
        if (hostd != null) {
            hostd.close();
        }
        if (mxA != null) {
            mxA.close();
        }
        if (mxB != null) {
            mxB.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static HostctlRun assertOk(HostctlRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run;
    }

    private static StatusReport report(Hostctl who) {
        HostctlRun run = who.run("status", "-o", "json");
        assertThat(run.exitCode()).as(run.toString()).isIn(0, UNAVAILABLE);
        try {
            return Json.mapper().readValue(run.out(), StatusReport.class);
        } catch (IOException e) {
            throw new AssertionError("not a StatusReport: " + run, e);
        }
    }

    private static StatusHistory history(Hostctl who) {
        HostctlRun run = assertOk(who.run("status", "history", "-o", "json"));
        try {
            return Json.mapper().readValue(run.out(), StatusHistory.class);
        } catch (IOException e) {
            throw new AssertionError("not a StatusHistory: " + run, e);
        }
    }

    private static List<ServiceState> mailRows(StatusReport report, String domain) {
        return report.services().stream()
                .filter(s -> domain.equals(s.domain()) && MAIL_SERVICES.contains(s.service())).toList();
    }

    /** Whether imap, lmtp and managesieve of {@code domain} are all in {@code state}. */
    private static boolean mailIs(StatusReport report, String domain, String state) {
        List<ServiceState> rows = mailRows(report, domain);
        return rows.size() == MAIL_SERVICES.size() && rows.stream().allMatch(s -> state.equals(s.state()));
    }

    /**
     * Polls {@code hostctl status -o json} every 100 ms until {@code done}; returns the time it took from
     * {@code from}. Gives up well after {@link #BOUND} so that a late detection is measured, not just timed out.
     */
    private Duration await(Hostctl who, long fromNanos, Predicate<StatusReport> done, String what)
            throws InterruptedException {
        long deadline = fromNanos + BOUND.plusSeconds(15).toNanos();
        StatusReport last = null;
        while (System.nanoTime() < deadline) {
            last = report(who);
            if (done.test(last)) {
                return Duration.ofNanos(System.nanoTime() - fromNanos);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not seen within " + BOUND.plusSeconds(15).toSeconds() + " s; last: " + last
                + "\nmx-a log:" + mxA.logTail());
    }

    /** {@code hostd ARGS} on hostd's data directory, in-process, as the provider runs it beside the server. */
    private HostctlRun hostdAdmin(String... args) {
        return HostdAdmin.run(data, args);
    }

    private static long noticeId(HostctlRun add) {
        assertThat(add.exitCode()).as(add.toString()).isZero();
        Matcher m = Pattern.compile("\\d+").matcher(add.out());
        assertThat(m.find()).as("notice id on stdout: " + add).isTrue();
        return Long.parseLong(m.group());
    }

    private static Mailbox mailbox(Hostctl who, String address) {
        HostctlRun run = assertOk(who.run("mailbox", "show", address, "-o", "json"));
        try {
            return Json.mapper().readValue(run.out(), Mailbox.class);
        } catch (IOException e) {
            throw new AssertionError("not a Mailbox: " + run, e);
        }
    }

    private boolean imapLogin(DovecotFixture d, String user, String password) throws IOException {
        try (ImapClient imap = d.imap()) {
            return imap.login(user, password).ok();
        }
    }

    // ---------------------------------------------------------------- scenario

    @Test
    @Order(1)
    void with_both_backends_up_status_exits_0_and_each_customer_sees_only_their_own_domains()
            throws InterruptedException {
        long start = System.nanoTime();
        await(alice, start, r -> "ok".equals(r.state()) && mailIs(r, "a.example", "ok"), "alice all ok");
        await(bob, start, r -> "ok".equals(r.state()) && mailIs(r, "b.example", "ok"), "bob all ok");

        HostctlRun a = assertOk(alice.run("status"));
        assertThat(a.out()).contains("a.example").contains("imap").contains("lmtp").contains("managesieve")
                .contains("mx-a").doesNotContain("b.example").doesNotContain("mx-b");
        HostctlRun b = assertOk(bob.run("status"));
        assertThat(b.out()).contains("b.example").contains("mx-b").doesNotContain("a.example").doesNotContain("mx-a");

        StatusReport report = report(alice);
        assertThat(report.intervalSeconds()).isEqualTo(INTERVAL_SECONDS);
        assertThat(report.services()).as("alice's rows: a.example's and account-wide ones")
                .allSatisfy(s -> assertThat(s.domain()).isIn(null, "a.example"))
                .noneSatisfy(s -> assertThat(s.backend()).isEqualTo("mx-b"));
        assertThat(mailRows(report, "a.example")).allSatisfy(s -> {
            assertThat(s.backend()).isEqualTo("mx-a");
            assertThat(s.checkedAt()).isNotNull();
            assertThat(s.since()).isNotNull();
        });
        assertThat(report(bob).services()).allSatisfy(s -> assertThat(s.domain()).isIn(null, "b.example"));
    }

    @Test
    @Order(2)
    void a_stopped_backend_shows_its_mail_services_down_within_two_intervals_for_its_customer_only()
            throws InterruptedException {
        stoppedAt = Instant.now();
        long stopCalled = System.nanoTime();
        mxA.stop();
        long stopped = System.nanoTime();

        Duration detected = await(alice, stopCalled, r -> mailIs(r, "a.example", "down"),
                "imap, lmtp and managesieve of a.example down");
        System.out.printf("StatusOnDovecotTest: mx-a down seen %d ms after stop() was called (stop() took %d ms)%n",
                detected.toMillis(), (stopped - stopCalled) / 1_000_000);

        assertThat(detected).as("time from stopping mx-a (stop() called, SIGTERM) until its imap, lmtp and "
                + "managesieve all show down; bound " + BOUND_TEXT).isLessThanOrEqualTo(BOUND);
        HostctlRun a = alice.run("status");
        assertThat(a.exitCode()).as(a.toString()).isEqualTo(UNAVAILABLE);
        assertThat(a.out()).contains("a.example").contains("down").contains("imap").contains("lmtp")
                .contains("managesieve").contains("mx-a");
        assertThat(a.err()).as("stderr names what is down: " + a).contains("imap").contains("lmtp")
                .contains("managesieve");
        StatusReport json = report(alice);
        assertThat(json.state()).isEqualTo("down");
        assertThat(mailRows(json, "a.example")).allSatisfy(s -> {
            assertThat(s.since()).isAfterOrEqualTo(stoppedAt.minusSeconds(1));
            assertThat(s.detail()).isNotBlank();
        });

        HostctlRun b = assertOk(bob.run("status"));
        assertThat(b.out()).contains("b.example").doesNotContain("a.example").doesNotContain("down");
        assertThat(mailIs(report(bob), "b.example", "ok")).isTrue();
    }

    @Test
    @Order(3)
    void while_it_is_down_mailbox_and_sieve_changes_on_it_exit_6_naming_it_and_the_other_backend_works()
            throws IOException {
        long quotaBefore = mailbox(alice, "ann@a.example").quotaBytes();
        List<HostctlRun> refused = List.of(
                alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "x@a.example", "--password-stdin"),
                alice.runWithStdin(NEW_PASSWORD + "\n", "mailbox", "passwd", "ann@a.example", "--password-stdin"),
                alice.run("mailbox", "quota", "ann@a.example", "2G"),
                alice.run("sieve", "list", "ann@a.example"),
                alice.run("sieve", "put", "ann@a.example", "keep", files.resolve("keep.sieve").toString()));
        for (HostctlRun run : refused) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(UNAVAILABLE);
            assertThat(run.err()).as(run.toString()).contains("mx-a").contains("hostctl status");
        }

        assertOk(bob.runWithStdin(PASSWORD + "\n", "mailbox", "create", "y@b.example", "--password-stdin"));
        assertOk(bob.runWithStdin(NEW_PASSWORD + "\n", "mailbox", "passwd", "bo@b.example", "--password-stdin"));
        assertOk(bob.run("mailbox", "quota", "bo@b.example", "2G"));
        assertOk(bob.run("sieve", "put", "bo@b.example", "keep", files.resolve("keep.sieve").toString()));
        assertThat(assertOk(bob.run("sieve", "list", "bo@b.example")).out()).contains("keep");
        assertThat(mailbox(bob, "bo@b.example").quotaBytes()).isEqualTo(2L << 30);
        assertThat(imapLogin(mxB, "bo@b.example", NEW_PASSWORD)).as("bob's new password works on mx-b").isTrue();

        HostctlRun missing = alice.run("mailbox", "show", "x@a.example");
        assertThat(missing.exitCode()).as("the refused mailbox was not created: " + missing).isEqualTo(3);
        assertThat(mailbox(alice, "ann@a.example").quotaBytes()).as("quota unchanged").isEqualTo(quotaBefore);
    }

    @Test
    @Order(4)
    void after_a_restart_everything_is_fine_again_within_two_intervals_and_the_refused_change_works()
            throws IOException, InterruptedException {
        restartedAt = Instant.now();
        long restartCalled = System.nanoTime();
        mxA.restart();

        Duration recovered = await(alice, restartCalled,
                r -> "ok".equals(r.state()) && mailIs(r, "a.example", "ok"), "a.example all ok again");
        System.out.printf("StatusOnDovecotTest: mx-a up seen %d ms after restart() was called (it took %d ms)%n",
                recovered.toMillis(), mxA.startDuration().toMillis());

        assertThat(recovered).as("time from restarting mx-a (restart() called) until alice's services all show "
                + "ok; bound " + BOUND_TEXT).isLessThanOrEqualTo(BOUND);
        HostctlRun a = assertOk(alice.run("status"));
        assertThat(a.out()).contains("a.example").doesNotContain("down");
        assertThat(imapLogin(mxA, "ann@a.example", PASSWORD)).as("the refused passwd changed nothing").isTrue();

        assertOk(alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "x@a.example", "--password-stdin"));
        assertOk(alice.runWithStdin(NEW_PASSWORD + "\n", "mailbox", "passwd", "ann@a.example", "--password-stdin"));
        assertOk(alice.run("mailbox", "quota", "ann@a.example", "2G"));
        assertThat(mailbox(alice, "ann@a.example").quotaBytes()).isEqualTo(2L << 30);
        assertThat(mailbox(alice, "x@a.example").address()).isEqualTo("x@a.example");
        assertThat(imapLogin(mxA, "ann@a.example", NEW_PASSWORD)).isTrue();
        assertOk(alice.run("sieve", "list", "ann@a.example"));
    }

    @Test
    @Order(5)
    void the_history_keeps_the_outage_of_a_example_with_its_start_and_end_and_bob_has_none() {
        Duration outage = Duration.between(stoppedAt, restartedAt);
        // hostd keeps state changes to the second: an end seen within the restart's second is stored as its start
        Instant restartSecond = restartedAt.truncatedTo(ChronoUnit.SECONDS);
        StatusHistory h = history(alice);
        for (String service : MAIL_SERVICES) {
            List<Outage> o = h.outages().stream()
                    .filter(x -> "a.example".equals(x.domain()) && service.equals(x.service())).toList();
            assertThat(o).as(service + " outages of a.example: " + h.outages()).hasSize(1);
            Outage one = o.get(0);
            assertThat(one.backend()).isEqualTo("mx-a");
            assertThat(one.state()).isEqualTo("down");
            assertThat(one.start()).as(service + " start").isAfterOrEqualTo(stoppedAt.minusSeconds(1));
            assertThat(one.end()).as(service + " end (restarted at " + restartedAt + ")").isNotNull()
                    .isAfterOrEqualTo(restartSecond);
            Duration length = Duration.between(one.start(), one.end());
            assertThat(length).as(service + " outage length vs the " + outage.toMillis() + " ms mx-a was stopped")
                    .isBetween(outage.minus(BOUND), outage.plus(BOUND));
        }
        assertThat(h.outages()).as("only a.example's outages").allSatisfy(x -> assertThat(x.domain()).isIn(null,
                "a.example"));

        HostctlRun table = assertOk(alice.run("status", "history"));
        assertThat(table.out()).contains("a.example").contains("imap").contains("lmtp").contains("managesieve")
                .contains("mx-a");
        HostctlRun days = assertOk(alice.run("status", "history", "--days", "1", "-o", "json"));
        assertThat(days.out()).contains("managesieve");

        assertThat(history(bob).outages()).as("bob's history").isEmpty();
        assertThat(assertOk(bob.run("status", "history")).out()).doesNotContain("a.example").doesNotContain("mx-a");
    }

    @Test
    @Order(6)
    void a_notice_for_mx_a_reaches_alice_only_a_general_one_both_and_a_resolved_one_stays_in_the_history() {
        HostctlRun addA = hostdAdmin("notice", "add", "--service", "mail", "--backend", "mx-a", "--title",
                "Mail on mx-a restored", "--body-file", files.resolve("notice-a.txt").toString());
        long idA = noticeId(addA);
        HostctlRun addAll = hostdAdmin("notice", "add", "--service", "all", "--title", "Maintenance Sunday",
                "--body-file", files.resolve("notice-all.txt").toString());
        long idAll = noticeId(addAll);
        assertThat(idAll).isNotEqualTo(idA);
        HostctlRun list = hostdAdmin("notice", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("Mail on mx-a restored").contains("Maintenance Sunday");

        HostctlRun a = alice.run("status");
        assertThat(a.exitCode()).as(a.toString()).isIn(0, UNAVAILABLE);
        assertThat(a.out()).contains("Mail on mx-a restored").contains("Maintenance Sunday");
        assertThat(a.out().indexOf("Mail on mx-a restored")).as("notices after the services: " + a.out())
                .isGreaterThan(a.out().lastIndexOf("managesieve"));
        assertThat(report(alice).notices()).extracting(Notice::id).containsExactlyInAnyOrder(idA, idAll);
        assertThat(report(alice).notices()).filteredOn(n -> n.id() == idA).singleElement().satisfies(n -> {
            assertThat(n.service()).isEqualTo("mail");
            assertThat(n.backend()).isEqualTo("mx-a");
            assertThat(n.body()).contains("being restored");
            assertThat(n.resolvedAt()).isNull();
        });

        HostctlRun b = bob.run("status");
        assertThat(b.out()).contains("Maintenance Sunday").doesNotContain("Mail on mx-a restored");
        assertThat(report(bob).notices()).extracting(Notice::id).containsExactly(idAll);

        HostctlRun resolve = hostdAdmin("notice", "resolve", Long.toString(idA));
        assertThat(resolve.exitCode()).as(resolve.toString()).isZero();

        assertThat(alice.run("status").out()).doesNotContain("Mail on mx-a restored").contains("Maintenance Sunday");
        assertThat(report(alice).notices()).extracting(Notice::id).containsExactly(idAll);
        StatusHistory h = history(alice);
        assertThat(h.notices()).filteredOn(n -> n.id() == idA).singleElement()
                .satisfies(n -> assertThat(n.resolvedAt()).isNotNull());
        assertThat(assertOk(alice.run("status", "history")).out()).contains("Mail on mx-a restored");
        assertThat(history(bob).notices()).extracting(Notice::id).doesNotContain(idA);
    }
}
