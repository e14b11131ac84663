package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostctl.support.MailLogSamples.bounceOf;
import static org.hostctl.support.MailLogSamples.message;
import static org.hostctl.support.MailLogSamples.reject;
import static org.hostctl.support.MailLogSamples.withStatus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hostctl.api.Json;
import org.hostctl.server.maillog.MailLogSink;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.MailLogSamples;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostctl mail log} against a real hostd that follows a log file with a stand-in correlator. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailLogAgainstHostdTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    TestHostd hostd;
    MailLogSink sink;
    Path home;
    Path mailLog;
    String aliceToken;
    String bobToken;
    final List<String> seen = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        mailLog = data.resolve("mail.log");
        Files.writeString(mailLog, "a line before hostd started, understood by no rule\n");
        hostd = TestHostd.startWithCorrelator(data, Fixtures.CONFIG + "maillog:\n  files: [mail.log]\n  retentionDays: 30\n",
                Fixtures.CLOCK, MailLogSamples.fakeCorrelator(seen, T0.minusSeconds(60)));
        hostd.addAccount("alice", tmp, List.of());
        hostd.addAccount("bob", tmp, List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        hostd.hostd().mailboxes().addDomain("bob", "bob.example");
        aliceToken = hostd.token("alice", true);
        bobToken = hostd.token("bob", true);
        home = tmp.resolve("home");
        sink = hostd.hostd().mailLogStore();

        MessageRecord sent = message("SENT000001", T0, "ann@example.com", null, "x@remote.example:sent",
                "bo@bob.example:sent");
        sink.message(sent);
        MessageRecord bounced = message("BOUNCE0001", T0.plusSeconds(60), "ann@example.com", null,
                "gone@remote.example:bounced");
        sink.message(bounced);
        sink.message(bounceOf(bounced, "BNCNOTE001"));
        sink.message(message("DEFER00001", T0.plusSeconds(120), "ann@example.com", null,
                "slow@remote.example:deferred"));
        sink.message(message("EVIL000001", T0.plusSeconds(180), "evil\u001b[2J\r@remote.example", null,
                "ann@example.com:sent"));
        sink.message(message("FORMULA001", T0.minusSeconds(3 * 3600), "=HYPERLINK(\"http://x.example/\")@evil.example",
                null, "ann@example.com:sent"));
        sink.reject(reject("mx1/rej/1", T0.plusSeconds(240), "spam@remote.example", "nobody@example.com", null));
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    Hostctl alice;
    Hostctl bob;

    @BeforeEach
    void clients() {
        alice = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", aliceToken);
        bob = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", bobToken);
    }

    static JsonNode json(HostctlRun run) throws IOException {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    @Test
    void the_log_lists_newest_first_in_a_table_with_control_characters_escaped() {
        HostctlRun run = alice.run("mail", "log", "--since", "2026-11-28T10:00:00Z", "--until",
                "2026-11-28T10:04:30Z");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("TIME").contains("STATUS", "FROM", "TO", "QUEUE ID", "HOST", "ID");
        assertThat(lines.get(3)).contains("DEFER00001  mx1");
        assertThat(lines.get(1)).contains("reject", "rejected", "nobody@example.com");
        assertThat(lines.get(2)).contains("in", "sent", "evil\\x1b[2J\\x0d@remote.example");
        assertThat(lines.get(3)).contains("DEFER00001", "deferred", "4.4.1");
        assertThat(lines.get(5)).contains("SENT000001", "x@remote.example, bo@bob.example");
        assertThat(lines).hasSize(6);
        assertThat(run.out()).doesNotContain("\u001b", "\r");
    }

    @Test
    void csv_never_hands_a_spreadsheet_a_formula_and_jq_strings_carry_no_escape_sequence() {
        HostctlRun csv = alice.run("mail", "log", "--queue-id", "FORMULA001", "-o", "csv");
        HostctlRun jq = alice.run("mail", "log", "--queue-id", "EVIL000001", "--jq", ".[].from");

        assertThat(csv.exitCode()).as(csv.toString()).isZero();
        assertThat(csv.out().lines().toList().get(1))
                .contains(",\"'=HYPERLINK(\"\"http://x.example/\"\")@evil.example\",");
        assertThat(jq.exitCode()).as(jq.toString()).isZero();
        assertThat(jq.out()).isEqualTo("evil\\x1b[2J\\x0d@remote.example\n");
    }

    @Test
    void an_answer_larger_than_hostctl_max_response_fails_with_exit_6() {
        HostctlRun capped = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", aliceToken)
                .env("HOSTCTL_MAX_RESPONSE", "1K").run("mail", "log");
        HostctlRun unreadable = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", aliceToken).env("HOSTCTL_MAX_RESPONSE", "lots").run("mail", "log");

        assertThat(capped.exitCode()).as(capped.toString()).isEqualTo(6);
        assertThat(capped.out()).isEmpty();
        assertThat(capped.err()).isEqualTo("hostctl: the answer to GET /v1/mail/log is larger than 1 KiB, the most"
                + " hostctl reads (set HOSTCTL_MAX_RESPONSE to change it)\n");
        assertThat(unreadable.exitCode()).as(unreadable.toString()).isEqualTo(2);
        assertThat(unreadable.err()).startsWith("hostctl: HOSTCTL_MAX_RESPONSE must be a size such as 64M or 1G");
    }

    @Test
    void filters_reach_the_server_and_json_is_the_items_array() throws IOException {
        JsonNode bounced = json(alice.run("mail", "log", "--status", "bounced", "-o", "json"));
        JsonNode to = json(alice.run("mail", "log", "--to", "Slow@Remote.Example", "-o", "json"));
        JsonNode in = json(alice.run("mail", "log", "--direction", "in", "-o", "json"));
        JsonNode qid = json(alice.run("mail", "log", "--queue-id", "SENT000001", "-o", "json"));
        JsonNode limited = json(alice.run("mail", "log", "--limit", "2", "-o", "json"));

        assertThat(bounced).hasSize(1);
        assertThat(bounced.get(0).path("queueIds").get(0).asText()).isEqualTo("BOUNCE0001");
        assertThat(to.get(0).path("queueIds").get(0).asText()).isEqualTo("DEFER00001");
        assertThat(in.findValuesAsText("kind")).contains("reject", "message");
        assertThat(in.findValuesAsText("direction")).containsOnly("in");
        assertThat(qid.get(0).path("recipients")).hasSize(2);
        assertThat(qid.get(0).path("recipients").get(0).has("attempts")).as("lists carry no attempts").isFalse();
        assertThat(limited).hasSize(2);
    }

    @Test
    void no_match_exits_3_and_another_accounts_recipients_stay_hidden() throws IOException {
        HostctlRun none = alice.run("mail", "log", "--from", "nobody@nowhere.example");
        HostctlRun noneJson = alice.run("mail", "log", "--from", "nobody@nowhere.example", "-o", "json");
        JsonNode bobs = json(bob.run("mail", "log", "-o", "json"));
        HostctlRun bobShowsAlices = bob.run("mail", "log", "show", "DEFER00001");

        assertThat(none.exitCode()).as(none.toString()).isEqualTo(3);
        assertThat(none.err()).contains("no message matches");
        assertThat(noneJson.exitCode()).isEqualTo(3);
        assertThat(noneJson.out().strip()).isEqualTo("[ ]");
        assertThat(bobs).hasSize(1);
        assertThat(bobs.get(0).path("recipients").findValuesAsText("address")).containsExactly("bo@bob.example");
        assertThat(bobs.get(0).has("nrcpt")).isFalse();
        assertThat(bobShowsAlices.exitCode()).as(bobShowsAlices.toString()).isEqualTo(3);
    }

    @Test
    void show_prints_every_attempt_and_the_notifications() throws IOException {
        HostctlRun table = alice.run("mail", "log", "show", "BOUNCE0001");
        JsonNode json = json(alice.run("mail", "log", "show", "<BOUNCE0001@mx1.example>", "-o", "json"));
        HostctlRun evil = alice.run("mail", "log", "show", "EVIL000001");

        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("Status      bounced", "Host        mx1", "To gone@remote.example: bounced",
                "deferred  4.4.1", "bounced  5.1.1", "Notifications:", "bounce  BNCNOTE001  to ann@example.com sent");
        assertThat(json.path("recipients").get(0).path("attempts")).hasSize(2);
        assertThat(json.path("host").asText()).isEqualTo("mx1");
        assertThat(json.path("recipients").get(0).path("attempts").findValuesAsText("host")).containsOnly("mx1");
        assertThat(json.has("hops")).as("a message that stayed on one host has no hops").isFalse();
        assertThat(json.path("notifications").get(0).path("kind").asText()).isEqualTo("bounce");
        assertThat(evil.out()).contains("evil\\x1b[2J\\x0d@remote.example").doesNotContain("\u001b");
        assertThat(alice.run("mail", "log", "show", "NOSUCH0001").exitCode()).isEqualTo(3);
    }

    @Test
    void stats_print_a_table_a_chart_on_a_terminal_and_json() throws IOException {
        String[] args = {"mail", "log", "stats", "--since", "2026-11-28T08:00:00Z", "--until", "2026-11-28T12:00:00Z",
            "--by", "hour"};
        HostctlRun piped = alice.run(args);
        HostctlRun terminal = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", aliceToken)
                .terminal(null).run(args);
        JsonNode json = json(alice.run("mail", "log", "stats", "--since", "2026-11-28T08:00:00Z", "--until",
                "2026-11-28T12:00:00Z", "-o", "json"));

        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out().lines().toList()).hasSize(5);
        assertThat(piped.out()).contains("2026-11-28 10:00Z").doesNotContain("#");
        assertThat(terminal.out()).contains("#").contains("!").contains("~");
        assertThat(json.path("by").asText()).isEqualTo("hour");
        JsonNode ten = json.path("buckets").get(2);
        assertThat(ten.path("sent").asLong()).isEqualTo(3);
        assertThat(ten.path("bounced").asLong()).isEqualTo(1);
        assertThat(ten.path("deferred").asLong()).isEqualTo(1);
    }

    @Test
    void wait_exits_0_when_delivered_5_when_bounced_and_6_when_the_time_runs_out() throws Exception {
        HostctlRun delivered = alice.run("mail", "log", "--queue-id", "SENT000001", "--wait", "5s");
        HostctlRun failed = alice.run("mail", "log", "--queue-id", "BOUNCE0001", "--wait", "5s", "-o", "json");
        long t = System.nanoTime();
        HostctlRun timeout = alice.run("mail", "log", "--queue-id", "DEFER00001", "--wait", "1s");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);

        assertThat(delivered.exitCode()).as(delivered.toString()).isZero();
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(5);
        assertThat(Json.mapper().readTree(failed.out()).path("status").asText()).isEqualTo("bounced");
        assertThat(timeout.exitCode()).as(timeout.toString()).isEqualTo(6);
        assertThat(timeout.err()).contains("still deferred");
        assertThat(took).isBetween(900L, 5000L);
    }

    @Test
    void wait_sees_a_deferred_message_get_delivered() {
        MessageRecord m = message("LATER00001", T0.plusSeconds(7500), "ann@example.com", null,
                "late@remote.example:deferred");
        sink.message(m);
        CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.message(withStatus(m, "late@remote.example:sent"));
        });

        HostctlRun run = alice.run("mail", "log", "--message-id", "LATER00001@mx1.example", "--wait", "20s");
        delivery.join();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("LATER00001", "sent");
    }

    @Test
    void hostd_follows_the_configured_log_file() throws Exception {
        // attribution happens when a line is stored: append only now that the domains exist
        Files.writeString(mailLog, "R from-the-file\nR appended-later\n", java.nio.file.StandardOpenOption.APPEND);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode rejects = null;
        while (System.nanoTime() < deadline) {
            HostctlRun run = alice.run("mail", "log", "--status", "rejected", "--since", "2026-11-28T09:58:00Z",
                    "--until", "2026-11-28T09:59:30Z", "-o", "json");
            if (run.exitCode() == 0) {
                rejects = Json.mapper().readTree(run.out());
                if (rejects.size() == 2) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertThat(rejects).isNotNull();
        assertThat(rejects.findValuesAsText("address")).containsExactlyInAnyOrder("from-the-file@example.com",
                "appended-later@example.com");
        synchronized (seen) {
            assertThat(seen).containsExactly("a line before hostd started, understood by no rule", "R from-the-file",
                    "R appended-later");
        }
    }

    @Test
    void every_mail_log_command_has_help_with_examples() {
        for (String[] args : List.of(new String[] {"mail", "--help"}, new String[] {"mail", "log", "--help"},
                new String[] {"mail", "log", "show", "--help"}, new String[] {"mail", "log", "stats", "--help"})) {
            HostctlRun run = alice.run(args);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Examples:");
        }
    }
}
