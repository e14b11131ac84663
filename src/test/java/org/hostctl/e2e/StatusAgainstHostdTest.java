package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.status.HealthMonitor;
import org.hostctl.support.Fixtures;
import org.hostctl.support.GreetingServer;
import org.hostctl.support.MutableClock;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service status over the API: two mail backends (loopback servers answering IMAP and LMTP greetings), account
 * alice on mx-a, bob on mx-b; rounds of the real probes are run by the test, the clock moved by hand.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StatusAgainstHostdTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final String PW = "{\"address\":\"%s\",\"password\":\"correct horse battery staple\"}";

    @TempDir
    Path tmp;

    MutableClock clock = new MutableClock(T0);
    List<GreetingServer> servers = new ArrayList<>();
    GreetingServer aImap;
    GreetingServer aLmtp;
    TestHostd hostd;
    RawApi api;
    String alice;
    String bob;

    @BeforeEach
    void start() throws IOException {
        aImap = server(GreetingServer.IMAP);
        aLmtp = server(GreetingServer.LMTP);
        GreetingServer bImap = server(GreetingServer.IMAP);
        GreetingServer bLmtp = server(GreetingServer.LMTP);
        hostd = open("""
                status: {intervalSeconds: 3600, timeoutSeconds: 2}
                mail:
                  backends:
                    - {name: mx-a, host: 127.0.0.1, imapPort: %d, lmtpPort: %d, domains: [a.example]}
                    - {name: mx-b, host: 127.0.0.1, imapPort: %d, lmtpPort: %d, domains: [b.example]}
                """.formatted(aImap.port(), aLmtp.port(), bImap.port(), bLmtp.port()));
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("web/alice")), List.of());
        hostd.addAccount("bob", Files.createDirectories(tmp.resolve("web/bob")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        hostd.hostd().mailboxes().addDomain("bob", "b.example");
        alice = hostd.token("alice", false);
        bob = hostd.token("bob", false);
        round();
    }

    private GreetingServer server(String greeting) throws IOException {
        GreetingServer s = GreetingServer.start(greeting);
        servers.add(s);
        return s;
    }

    private TestHostd open(String yaml) throws IOException {
        TestHostd h = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + yaml, clock);
        api = new RawApi(h.url());
        return h;
    }

    /** Waits for hostd's own first round, then runs one. */
    private void round() {
        HealthMonitor m = hostd.hostd().monitor();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (m.state("mail/mx-b/lmtp").checkedAt() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        m.runOnce();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (hostd != null) {
            hostd.close();
        }
        for (GreetingServer s : servers) {
            s.close();
        }
    }

    private JsonNode status(String token) {
        Reply r = api.get("/v1/status", token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<String> rows(JsonNode report) {
        List<String> rows = new ArrayList<>();
        report.path("services").forEach(s -> rows.add(s.path("domain").asText("-") + " " + s.path("service").asText()
                + " " + s.path("backend").asText() + " " + s.path("state").asText()));
        return rows;
    }

    @Test
    void each_account_sees_the_services_of_its_own_domains_with_state_and_since() {
        JsonNode a = status(alice);
        assertThat(rows(a)).containsExactly("- store hostd ok", "a.example imap mx-a ok", "a.example lmtp mx-a ok");
        assertThat(a.path("state").asText()).isEqualTo("ok");
        assertThat(a.path("intervalSeconds").asInt()).isEqualTo(3600);
        assertThat(a.path("services").get(1).path("since").asText()).isEqualTo(T0.toString());
        assertThat(a.path("services").get(1).path("detail").asText()).startsWith("greeting in ");
        assertThat(rows(status(bob))).containsExactly("- store hostd ok", "b.example imap mx-b ok",
                "b.example lmtp mx-b ok");
        assertThat(api.get("/v1/status", null).status()).isEqualTo(401);
    }

    @Test
    void a_stopped_backend_is_down_for_its_domains_only_refuses_their_mailbox_changes_and_shows_in_the_history()
            throws IOException {
        assertThat(api.send("POST", "/v1/mailboxes", alice, PW.formatted("ann@a.example")).status()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(5));
        aImap.stop();
        aLmtp.stop();
        round();

        JsonNode a = status(alice);
        assertThat(rows(a)).containsExactly("- store hostd ok", "a.example imap mx-a down",
                "a.example lmtp mx-a down");
        assertThat(a.path("state").asText()).isEqualTo("down");
        Instant down = T0.plus(Duration.ofMinutes(5));
        assertThat(a.path("services").get(1).path("since").asText()).isEqualTo(down.toString());
        assertThat(a.path("services").get(1).path("detail").asText()).contains("refused");
        assertThat(status(bob).path("state").asText()).isEqualTo("ok");

        Reply refused = api.send("POST", "/v1/mailboxes", alice, PW.formatted("new@a.example"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("backend-unavailable");
        assertThat(refused.problem().path("detail").asText()).contains("mx-a").contains(down.toString());
        assertThat(api.put("/v1/mailboxes/ann@a.example/quota", alice, "{\"quotaBytes\":1000000}").status())
                .isEqualTo(503);
        assertThat(api.get("/v1/mailboxes/ann@a.example", alice).status()).as("reading still works").isEqualTo(200);
        assertThat(api.send("POST", "/v1/mailboxes", bob, PW.formatted("bo@b.example")).status()).isEqualTo(201);
        assertThat(api.get("/v1/mailboxes/new@a.example", alice).status()).as("nothing was created")
                .isEqualTo(404);

        clock.advance(Duration.ofMinutes(20));
        aImap.restart();
        aLmtp.restart();
        sleep(Duration.ofMillis(1100)); // a refused change probes again at most once a second
        Reply back = api.send("POST", "/v1/mailboxes", alice, PW.formatted("new@a.example"));
        assertThat(back.status()).as("the backend is asked again before a change is refused: " + back)
                .isEqualTo(201);
        round();
        assertThat(rows(status(alice))).containsExactly("- store hostd ok", "a.example imap mx-a ok",
                "a.example lmtp mx-a ok");

        JsonNode history = api.get("/v1/status/history", alice).json();
        Instant up = down.plus(Duration.ofMinutes(20));
        assertThat(history.path("outages")).hasSize(2);
        for (JsonNode o : history.path("outages")) {
            assertThat(o.path("domain").asText()).isEqualTo("a.example");
            assertThat(o.path("backend").asText()).isEqualTo("mx-a");
            assertThat(o.path("state").asText()).isEqualTo("down");
            assertThat(o.path("start").asText()).isEqualTo(down.toString());
            assertThat(o.path("end").asText()).isEqualTo(up.toString());
        }
        assertThat(api.get("/v1/status/history", bob).json().path("outages")).isEmpty();
    }

    @Test
    void times_in_refusals_and_status_are_to_the_second_even_when_the_clock_has_nanoseconds() throws IOException {
        clock.advance(Duration.ofMinutes(2).plusNanos(299_510_484));
        aImap.stop();
        aLmtp.stop();
        round();

        Reply refused = api.send("POST", "/v1/mailboxes", alice, PW.formatted("nano@a.example"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.problem().path("detail").asText())
                .contains("mail backend mx-a of a.example is down since 2026-11-28T12:02:00Z (");
        assertThat(hostd.hostd().status().downSince("mx-a", "imap")).as("what a ManageSieve 503 says")
                .contains("2026-11-28T12:02:00Z");
        JsonNode report = status(alice);
        assertThat(report.path("generatedAt").asText()).isEqualTo("2026-11-28T12:02:00Z");
        JsonNode imap = report.path("services").get(1);
        assertThat(imap.path("since").asText()).isEqualTo("2026-11-28T12:02:00Z");
        assertThat(imap.path("checkedAt").asText()).isEqualTo("2026-11-28T12:02:00Z");
        JsonNode history = api.get("/v1/status/history?days=1", alice).json();
        assertThat(history.path("until").asText()).isEqualTo("2026-11-28T12:02:00Z");
        assertThat(history.path("outages").get(0).path("start").asText()).isEqualTo("2026-11-28T12:02:00Z");
        org.hostctl.support.HostctlRun create = new org.hostctl.support.Hostctl(tmp.resolve("home"))
                .env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", alice)
                .runWithStdin("correct horse battery staple\n", "mailbox", "create", "nano@a.example",
                        "--password-stdin");
        assertThat(create.err()).contains("down since 2026-11-28T12:02:00Z (").doesNotContain(".299");
    }

    @Test
    void an_ongoing_outage_has_no_end_and_survives_a_restart_of_hostd() throws IOException {
        clock.advance(Duration.ofMinutes(1));
        aImap.stop();
        round();
        Instant down = T0.plus(Duration.ofMinutes(1));
        hostd.close();
        clock.advance(Duration.ofMinutes(10));
        hostd = open(Files.readString(tmp.resolve("data/hostd.yaml")).substring(Fixtures.CONFIG.length()));
        alice = hostd.token("alice", false);
        JsonNode imap = status(alice).path("services").get(1);
        assertThat(imap.path("service").asText()).isEqualTo("imap");
        assertThat(imap.path("state").asText()).as("as recorded, or probed again: down").isEqualTo("down");
        assertThat(imap.path("since").asText()).isEqualTo(down.toString());
        JsonNode outage = api.get("/v1/status/history?days=1", alice).json().path("outages").get(0);
        assertThat(outage.path("start").asText()).isEqualTo(down.toString());
        assertThat(outage.has("end")).isFalse();
    }

    @Test
    void hostctl_status_exits_6_naming_what_is_down_and_a_refused_change_points_to_it() throws IOException {
        org.hostctl.support.Hostctl aliceCli = new org.hostctl.support.Hostctl(tmp.resolve("home"))
                .env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", alice);
        org.hostctl.support.HostctlRun ok = aliceCli.run("status");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).containsPattern("a\\.example +imap +mx-a +ok").doesNotContain("b.example");

        clock.advance(Duration.ofMinutes(3));
        aImap.stop();
        aLmtp.stop();
        round();
        org.hostctl.support.HostctlRun down = aliceCli.run("status");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(6);
        assertThat(down.out()).containsPattern("a\\.example +imap +mx-a +down +2026-11-28T12:03:00Z")
                .containsPattern("a\\.example +lmtp +mx-a +down");
        assertThat(down.err().lines()).hasSize(1);
        assertThat(down.err()).contains("down").contains("imap").contains("mx-a");

        org.hostctl.support.HostctlRun create = aliceCli.runWithStdin("correct horse battery staple\n", "mailbox",
                "create", "zed@a.example", "--password-stdin");
        assertThat(create.exitCode()).as(create.toString()).isEqualTo(6);
        assertThat(create.err()).contains("mail backend mx-a").contains("hint: see 'hostctl status'");

        org.hostctl.support.HostctlRun history = aliceCli.run("status", "history", "-o", "json");
        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.out()).contains("\"start\" : \"2026-11-28T12:03:00Z\"");
        org.hostctl.support.HostctlRun tooFar = aliceCli.run("status", "history", "--days", "31");
        assertThat(tooFar.exitCode()).as(tooFar.toString()).isEqualTo(5);
        assertThat(tooFar.err()).contains("days must be 1-30");
    }

    @Test
    void two_hostd_on_one_store_each_answer_with_what_their_own_probes_see() throws IOException {
        String shared = "jdbc:sqlite:" + tmp.resolve("data/hostd.db");
        GreetingServer lmtp = server(GreetingServer.LMTP);
        String second = Fixtures.CONFIG + """
                database: "%s"
                status: {intervalSeconds: 3600, timeoutSeconds: 2, node: mx-watcher-2}
                mail:
                  backends:
                    - {name: mx-a, host: 127.0.0.1, imapPort: 1, lmtpPort: %d, domains: [a.example]}
                """.formatted(shared, lmtp.port());
        try (TestHostd other = TestHostd.start(tmp.resolve("data2"), second, clock)) {
            HealthMonitor m = other.hostd().monitor();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (m.state("mail/mx-a/imap").checkedAt() == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            m.runOnce();
            RawApi otherApi = new RawApi(other.url());
            Reply there = otherApi.get("/v1/status", alice);
            assertThat(there.status()).as("the same token works on both: one store").isEqualTo(200);
            assertThat(rows(there.json())).containsExactly("- store hostd ok", "a.example imap mx-a down",
                    "a.example lmtp mx-a ok");
            assertThat(rows(status(alice))).as("the first hostd still sees its own probes").containsExactly(
                    "- store hostd ok", "a.example imap mx-a ok", "a.example lmtp mx-a ok");
            assertThat(otherApi.get("/v1/status/history", alice).json().path("outages")).hasSize(1);
            assertThat(api.get("/v1/status/history", alice).json().path("outages")).isEmpty();

            org.hostctl.support.HostctlRun admin = org.hostctl.support.HostdAdmin.run(tmp.resolve("data2"), "status");
            assertThat(admin.exitCode()).as(admin.toString()).isEqualTo(6);
            assertThat(admin.out()).containsPattern("mx-watcher-2 +mail/mx-a/imap +down")
                    .containsPattern(java.util.regex.Pattern.quote(hostd.hostd().config().status().node())
                            + " +mail/mx-a/imap +ok");
        }
    }

    @Test
    void history_days_must_be_within_the_kept_range() {
        for (String bad : List.of("0", "31", "-1", "x", "1.5")) {
            Reply r = api.get("/v1/status/history?days=" + bad, alice);
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.problem().path("detail").asText()).contains("days");
        }
        assertThat(api.get("/v1/status/history?days=30", alice).status()).isEqualTo(200);
    }

    @Test
    void a_notice_reaches_the_accounts_on_its_backend_general_ones_everybody_and_resolved_ones_leave_the_status() {
        var status = hostd.hostd().status();
        long onA = status.addNotice("mail", "mx-a", "mx-a: disk failure", "Mail to a.example is delayed.\n\nWe"
                + " are on it.").id();
        long general = status.addNotice("all", null, "Maintenance tonight", "22:00-23:00 UTC").id();

        assertThat(status(alice).path("notices")).extracting(n -> n.path("id").asLong())
                .containsExactly(general, onA);
        assertThat(status(bob).path("notices")).extracting(n -> n.path("id").asLong()).containsExactly(general);
        JsonNode n = status(alice).path("notices").get(1);
        assertThat(n.path("backend").asText()).isEqualTo("mx-a");
        assertThat(n.path("body").asText()).isEqualTo("Mail to a.example is delayed.\n\nWe are on it.");
        assertThat(n.has("resolvedAt")).isFalse();

        clock.advance(Duration.ofMinutes(30));
        status.updateNotice(onA, null, "The disk is replaced; mail is delivered again.");
        JsonNode updated = status(alice).path("notices").get(1);
        assertThat(updated.path("body").asText()).isEqualTo("The disk is replaced; mail is delivered again.");
        assertThat(updated.path("title").asText()).isEqualTo("mx-a: disk failure");
        assertThat(updated.path("updatedAt").asText()).isEqualTo(T0.plus(Duration.ofMinutes(30)).toString());

        clock.advance(Duration.ofHours(1));
        status.resolveNotice(onA);
        assertThat(status(alice).path("notices")).extracting(x -> x.path("id").asLong()).containsExactly(general);
        JsonNode resolved = api.get("/v1/status/history", alice).json().path("notices");
        assertThat(resolved).extracting(x -> x.path("id").asLong()).contains(onA);
        assertThat(api.get("/v1/status/history", bob).json().path("notices"))
                .extracting(x -> x.path("id").asLong()).containsExactly(general);
    }
}
