package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostctl mail log} against a real hostd that reads Postfix lines with its built-in correlator: recipients
 * and senders with quoted local parts, and {@code --wait} about the recipients {@code --to} matches.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailLogFromPostfixLinesAgainstHostdTest {
    /** One message to a bounced quoted recipient and a delivered one; a quoted sender; a quoted reject. */
    static final String LOG = """
            Nov 28 10:00:00 mx postfix/submission/smtpd[100]: 1A2B3C4D5E: client=client.example[192.0.2.10]
            Nov 28 10:00:00 mx postfix/cleanup[101]: 1A2B3C4D5E: message-id=<mixed.1@example.com>
            Nov 28 10:00:00 mx postfix/qmgr[102]: 1A2B3C4D5E: from=<ann@example.com>, size=500, nrcpt=3 (queue active)
            Nov 28 10:00:01 mx postfix/smtp[103]: 1A2B3C4D5E: to=<"odd, user"@remote.example>, relay=mx.remote.example[198.51.100.1]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.1.1, status=bounced (host mx.remote.example[198.51.100.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))
            Nov 28 10:00:01 mx postfix/smtp[104]: 1A2B3C4D5E: to=<info@shop.example>, relay=mx.shop.example[198.51.100.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 77AA)
            Nov 28 10:00:01 mx postfix/smtp[105]: 1A2B3C4D5E: to=<"a\\"b"@shop.example>, relay=mx.shop.example[198.51.100.2]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 77AB)
            Nov 28 10:00:01 mx postfix/qmgr[102]: 1A2B3C4D5E: removed
            Nov 28 10:01:00 mx postfix/smtpd[200]: 2B3C4D5E6F: client=mx.remote.example[198.51.100.1]
            Nov 28 10:01:00 mx postfix/cleanup[101]: 2B3C4D5E6F: message-id=<quoted.2@remote.example>
            Nov 28 10:01:00 mx postfix/qmgr[102]: 2B3C4D5E6F: from=<"Odd Sender"@Remote.Example>, size=600, nrcpt=1 (queue active)
            Nov 28 10:01:01 mx postfix/virtual[201]: 2B3C4D5E6F: to=<ann@example.com>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)
            Nov 28 10:01:01 mx postfix/qmgr[102]: 2B3C4D5E6F: removed
            Nov 28 10:02:00 mx postfix/smtpd[300]: connect from unknown[203.0.113.5]
            Nov 28 10:02:00 mx postfix/smtpd[300]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 550 5.1.1 <"no body"@example.com>: Recipient address rejected: User unknown in virtual mailbox table; from=<x@remote.example> to=<"no body"@example.com> proto=ESMTP helo=<unknown>
            Nov 28 10:02:00 mx postfix/smtpd[300]: disconnect from unknown[203.0.113.5] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4
            """;

    TestHostd hostd;
    Hostctl alice;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        hostd = TestHostd.start(data, Fixtures.CONFIG + "maillog:\n  files: [mail.log]\n  retentionDays: 30\n",
                Fixtures.CLOCK);
        hostd.addAccount("alice", tmp, List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        alice = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", true));
        // attribution happens when a line is stored: the file appears only now that the domain exists
        Path log = data.resolve("mail.log.tmp");
        Files.writeString(log, LOG);
        Files.move(log, data.resolve("mail.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            HostctlRun run = alice.run("mail", "log", "-o", "json");
            if (run.exitCode() == 0 && Json.mapper().readTree(run.out()).size() == 3) {
                break;
            }
            assertThat(System.nanoTime()).as("hostd did not ingest the log: " + run).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    static JsonNode json(HostctlRun run) throws IOException {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    @Test
    void a_quoted_recipient_is_found_as_postfix_logs_it_in_any_quoting() throws IOException {
        for (String to : List.of("\"odd, user\"@remote.example", "\"Odd, User\"@REMOTE.example.",
                "\"odd\\,\\ user\"@remote.example")) {
            JsonNode found = json(alice.run("mail", "log", "--to", to, "-o", "json"));
            assertThat(found).as(to).hasSize(1);
            assertThat(found.get(0).path("queueIds").get(0).asText()).isEqualTo("1A2B3C4D5E");
        }
        JsonNode escaped = json(alice.run("mail", "log", "--to", "\"a\\\"b\"@shop.example", "-o", "json"));
        assertThat(escaped).hasSize(1);
        // a quoted local part that needs no quotes is the plain address Postfix logs
        JsonNode plain = json(alice.run("mail", "log", "--to", "\"info\"@shop.example", "-o", "json"));
        assertThat(plain).hasSize(1);
        HostctlRun unquoted = alice.run("mail", "log", "--to", "odd@remote.example");
        assertThat(unquoted.exitCode()).as(unquoted.toString()).isEqualTo(3);
    }

    @Test
    void a_quoted_sender_and_a_refused_quoted_recipient_are_found() throws IOException {
        JsonNode from = json(alice.run("mail", "log", "--from", "\"odd sender\"@remote.example", "-o", "json"));
        JsonNode reject = json(alice.run("mail", "log", "--to", "\"no body\"@example.com", "-o", "json"));

        assertThat(from).hasSize(1);
        assertThat(from.get(0).path("from").asText()).isEqualTo("\"Odd Sender\"@Remote.Example");
        assertThat(reject).hasSize(1);
        assertThat(reject.get(0).path("kind").asText()).isEqualTo("reject");
    }

    @Test
    void a_broken_quoted_address_is_refused_in_one_line_naming_the_form() {
        HostctlRun open = alice.run("mail", "log", "--to", "\"odd, user@remote.example");

        assertThat(open.exitCode()).as(open.toString()).isEqualTo(5);
        assertThat(open.err()).contains("quoted string").doesNotContain("Exception");
        assertThat(open.err().lines()).hasSize(1);
    }

    @Test
    void wait_with_to_judges_the_recipients_that_match_not_the_whole_message() throws IOException {
        HostctlRun delivered = alice.run("mail", "log", "--to", "info@shop.example", "--wait", "5s", "-o", "json");
        HostctlRun byDomain = alice.run("mail", "log", "--to", "shop.example", "--wait", "5s");
        HostctlRun bounced = alice.run("mail", "log", "--to", "\"odd, user\"@remote.example", "--wait", "5s");
        HostctlRun whole = alice.run("mail", "log", "--message-id", "mixed.1@example.com", "--wait", "5s");

        assertThat(delivered.exitCode()).as(delivered.toString()).isZero();
        JsonNode entry = Json.mapper().readTree(delivered.out());
        assertThat(entry.path("status").asText()).isEqualTo("sent");
        assertThat(entry.path("recipients").findValuesAsText("address")).containsExactly("info@shop.example");
        assertThat(byDomain.exitCode()).as(byDomain.toString()).isZero();
        assertThat(bounced.exitCode()).as(bounced.toString()).isEqualTo(5);
        assertThat(whole.exitCode()).as("without --to the whole message counts: " + whole).isEqualTo(5);
    }
}
