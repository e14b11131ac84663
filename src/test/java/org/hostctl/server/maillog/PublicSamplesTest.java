package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The public real-world samples (../shared/postfix/public-samples/, read in place, never copied here): every file
 * goes through without exceptions in bounded time, and the files below were checked line by line.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PublicSamplesTest {
    static final Path DIR = Path.of(System.getProperty("hostctl.project.dir", "."))
            .resolve("../shared/postfix/public-samples").normalize();
    static final String PREFIX = "lightmeterio_ControlCenter__";

    @BeforeAll
    static void samplesPresent() {
        if (!Files.isDirectory(DIR)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("public samples missing in CI: " + DIR);
            }
            Assumptions.abort("public samples not present: " + DIR);
        }
    }

    /** Feeds one file (reference: end of 2026, so the year-less stamps fall in 2026) and flushes. */
    static RecordingSink run(String name) throws IOException {
        RecordingSink sink = new RecordingSink();
        PostfixCorrelator c = new PostfixCorrelator(sink,
                LineParser.at(ZoneOffset.UTC, Instant.parse("2026-12-31T23:00:00Z")));
        Path f = DIR.resolve(name);
        long off = 0;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            c.accept(f.toString(), off, line);
            off += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        c.flush();
        return sink;
    }

    @Test
    void every_file_parses_without_exceptions_in_bounded_time() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(36);
        long t0 = System.nanoTime();
        int unparsed = 0;
        for (Path f : files) {
            RecordingSink sink = run(f.getFileName().toString());
            unparsed += sink.unparsed.size();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(unparsed).as("only the bare 'QID:' qmgr line of the dir importer test").isEqualTo(1);
    }

    @Test
    void grok_payloads_with_a_synthetic_header_parse_without_exceptions() throws IOException {
        Path tsv = DIR.resolve("whyscream_postfix-grok-patterns__test_yaml_payloads.tsv");
        RecordingSink sink = new RecordingSink();
        PostfixCorrelator c = new PostfixCorrelator(sink,
                LineParser.at(ZoneOffset.UTC, Instant.parse("2026-12-31T23:00:00Z")));
        int n = 0;
        for (String row : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            String[] cols = row.split("\t", 3);
            if (row.startsWith("#") || cols.length < 3) {
                continue;
            }
            // test/smtpd_0001.yaml → smtpd; the payload follows "postfix/DAEMON[PID]: "
            String daemon = cols[0].replaceAll("^test/|_\\d+\\.yaml$", "").replace("trivial_rewrite", "trivial-rewrite")
                    .replace("tls_features", "smtp");
            c.accept(tsv.toString(), n++, "Nov 28 10:00:00 mx postfix/" + daemon + "[123]: " + cols[2]);
        }
        c.flush();
        assertThat(n).isGreaterThan(150);
        assertThat(c.stats().postfixLines()).isEqualTo(n);
        assertThat(sink.rejects).isNotEmpty();
        // postscreen's "reject: CONNECT from [ip]:port: too many connections" and an empty proxy-reject reason
        // carry no SMTP code
        assertThat(sink.rejects).filteredOn(r -> r.to() != null && !r.response().isBlank()).allSatisfy(r -> assertThat(r.code()).isNotNull());
        assertThat(sink.rejects).filteredOn(r -> "aap@henk.com".equals(r.to())).singleElement()
                .satisfies(r -> assertThat(r.code()).isEqualTo("454 4.7.1"));
        assertThat(sink.rejects).filteredOn(r -> r.response() != null && r.response().startsWith("Reject, contact"))
                .singleElement().satisfies(r -> assertThat(r.code()).isEqualTo("554 5.7.0"));
    }

    @Test
    void bounce_simple_amavis_hop_then_remote_bounce_and_its_notification() throws IOException {
        RecordingSink s = run(PREFIX + "1_bounce_simple.log");
        assertThat(s.messages).hasSize(2);
        assertThat(s.rejects).isEmpty();
        MessageRecord m = s.originals().get(0);
        assertThat(m.queueIds()).containsExactly("4AA091855DA0", "776E41855DB2");
        assertThat(m.saslUser()).isEqualTo("user@sender.com");
        assertThat(RecordingSink.states(m)).containsExactly(Map.entry("invalid.email@example.com", "bounced"));
        assertThat(m.recipients().get(0).dsn()).isEqualTo("5.1.1");
        assertThat(m.removedAt()).isNotNull();
        MessageRecord n = s.notifications().get(0);
        assertThat(n.queueIds()).containsExactly("A48191855DA0");
        assertThat(n.parentKey()).isEqualTo(m.key());
        assertThat(n.notificationKind()).isEqualTo("bounce");
        assertThat(RecordingSink.states(n)).containsExactly(Map.entry("user@sender.com", "sent"));
    }

    @Test
    void multiple_recipients_some_bounces() throws IOException {
        RecordingSink s = run(PREFIX + "2_multiple_recipients_some_bounces.log");
        assertThat(s.originals()).hasSize(1);
        assertThat(s.notifications()).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.queueIds()).containsExactly("BA8F630001DA", "1310930001DB");
        assertThat(m.nrcpt()).isEqualTo(5);
        assertThat(RecordingSink.states(m)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "recipient1@dst1.example.com", "sent", "recipient1@dst2.example.com", "sent",
                "recipient1@dst3.example.com", "bounced", "recipient1@dst4.example.com", "bounced",
                "recipient42@example.com", "bounced"));
        assertThat(s.notifications().get(0).queueIds()).containsExactly("C7B4530001DA");
        assertThat(s.notifications().get(0).parentKey()).isEqualTo(m.key());
        assertThat(s.rejects).isEmpty();
    }

    @Test
    void deferred_message_retry_through_amavis() throws IOException {
        RecordingSink s = run(PREFIX + "6_deferred_message_retry.log");
        assertThat(s.messages).hasSize(3);
        assertThat(s.notifications()).isEmpty();
        MessageRecord retried = s.byQueueId("A17F830001CA");
        assertThat(retried.queueIds()).containsExactly("78E8330001C7", "A17F830001CA");
        RecipientRecord r = retried.recipients().get(0);
        assertThat(r.address()).isEqualTo("recipient@recipient.com");
        assertThat(r.status()).isEqualTo("sent");
        assertThat(r.attempts()).extracting(AttemptRecord::status).containsExactly("sent", "deferred", "sent");
        assertThat(r.attempts().get(1).dsn()).isEqualTo("4.0.0");
        assertThat(s.byQueueId("BA8BA30001C7").queueIds()).containsExactly("939E030001C8", "BA8BA30001C7");
        assertThat(s.byQueueId("4E8FF30001C8").queueIds()).containsExactly("0025630001C7", "4E8FF30001C8");
        assertThat(s.messages.values()).allSatisfy(m -> {
            assertThat(m.removedAt()).isNotNull();
            assertThat(m.recipients()).extracting(RecipientRecord::status).containsOnly("sent");
        });
    }

    @Test
    void single_successful_delivery() throws IOException {
        RecordingSink s = run(PREFIX + "11_single_successful_delivery.log");
        assertThat(s.messages).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.queueIds()).containsExactly("BA8F630001DA", "1310930001DB");
        assertThat(m.sender()).isEqualTo("sender@mydomain.com");
        assertThat(m.saslUser()).isEqualTo("sender@mydomain.com");
        assertThat(m.messageId()).isEqualTo("<264dc34c-ad52-466c-6d41-6622dfced3b8@mydomain.com>");
        assertThat(RecordingSink.states(m)).containsExactly(Map.entry("recipient1@dst1.example.com", "sent"));
        assertThat(m.recipients().get(0).relay()).isEqualTo("gmail-smtp-in.l.google.com[74.125.206.26]:25");
        assertThat(m.removedAt()).isNotNull();
    }

    @Test
    void reuse_of_queue_ids_across_instances_of_one_host() throws IOException {
        RecordingSink s = run(PREFIX + "14_reuse_of_queueid.log");
        // nine messages, each relayed once to the host's second instance (relay IP = that smtpd's client IP);
        // the last one is cut off before its delivery
        assertThat(s.messages).hasSize(9);
        assertThat(s.messages.values()).filteredOn(m -> m.removedAt() != null).hasSize(8)
                .allSatisfy(m -> {
                    assertThat(m.queueIds()).hasSize(2);
                    assertThat(m.recipients()).singleElement().extracting(RecipientRecord::status).isEqualTo("sent");
                });
        // the same short IDs (…3D477 / …3D478 pattern) come back for different messages
        long distinctFirstIds = s.messages.values().stream().map(m -> m.queueIds().get(0)).distinct().count();
        assertThat(distinctFirstIds).isEqualTo(9);
        assertThat(s.messages.values()).extracting(MessageRecord::messageId).doesNotHaveDuplicates();
    }

    @Test
    void smtpd_reject_of_an_authenticated_client() throws IOException {
        RecordingSink s = run(PREFIX + "17-smtpd-reject.log");
        assertThat(s.messages).isEmpty(); // the session never sent DATA
        assertThat(s.rejects).singleElement().satisfies(r -> {
            assertThat(r.saslUser()).isEqualTo("h-d2315d@h-24e89d.com");
            assertThat(r.client()).isEqualTo("unknown[2a02:168:636a::15e2]");
            assertThat(r.to()).isEqualTo("h-c715634009216@h-14dc4a6d.com");
            assertThat(r.code()).isEqualTo("550 5.1.1");
            assertThat(r.response()).contains("User unknown in virtual mailbox table");
        });
    }

    @Test
    void smtpd_rejects_then_milter_reject() throws IOException {
        RecordingSink s = run(PREFIX + "17-smtpd-reject-with-milter-reject.log");
        assertThat(s.messages).isEmpty();
        assertThat(s.rejects).extracting(RejectRecord::code, RejectRecord::saslUser)
                .containsExactly(tuple("550 5.1.1", null), tuple("550 5.1.1", null), tuple("5.7.1", null));
        assertThat(s.rejects.get(2).response()).isEqualTo("Spam message rejected");
    }

    @Test
    void expired_after_days_of_deferrals() throws IOException {
        RecordingSink s = run(PREFIX + "18_expired.log");
        assertThat(s.originals()).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.queueIds()).containsExactly("20B4E3D5BD", "23EBE3D5C0");
        RecipientRecord r = m.recipients().get(0);
        assertThat(r.status()).isEqualTo("expired");
        assertThat(r.attempts()).extracting(AttemptRecord::status)
                .containsExactly("sent", "deferred", "deferred", "deferred", "deferred", "deferred", "expired");
        assertThat(s.notifications()).singleElement().satisfies(n -> {
            assertThat(n.queueIds()).containsExactly("A7E673C067");
            assertThat(n.parentKey()).isEqualTo(m.key());
            assertThat(n.notificationKind()).isEqualTo("expired");
            assertThat(n.recipients()).singleElement().extracting(RecipientRecord::status).isEqualTo("sent");
        });
    }

    @Test
    void virtual_delivery() throws IOException {
        RecordingSink s = run(PREFIX + "22_virtual_delivery.log");
        assertThat(s.messages).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.client()).isEqualTo("unknown[1.2.3.4]");
        assertThat(m.saslUser()).isNull();
        assertThat(m.size()).isEqualTo(17554L);
        assertThat(m.recipients()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("sent");
            assertThat(r.relay()).isEqualTo("virtual");
            assertThat(r.response()).isEqualTo("delivered to maildir");
        });
        assertThat(s.rejects).isEmpty();
    }

    @Test
    void two_recipients() throws IOException {
        RecordingSink s = run(PREFIX + "26_two_recipients.log");
        assertThat(s.messages).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.nrcpt()).isEqualTo(2);
        assertThat(RecordingSink.states(m)).containsExactly(Map.entry("recipient1@external.org", "sent"),
                Map.entry("recipient2@external.org", "sent"));
        // client= is logged a second before connect: arrival is the first line of the queue ID
        assertThat(m.receivedAt()).isEqualTo(Instant.parse("2026-01-20T19:48:04Z"));
    }

    @Test
    void received_bounce_to_postmaster_alias() throws IOException {
        RecordingSink s = run(PREFIX + "28_received_bounce.log");
        assertThat(s.messages).hasSize(1);
        MessageRecord m = s.originals().get(0);
        assertThat(m.recipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo("root@example.com");
            assertThat(r.origTo()).isEqualTo("postmaster@example.com");
            assertThat(r.status()).isEqualTo("sent");
        });
        assertThat(s.notifications()).isEmpty();
    }

    @Test
    void zimbra_double_filter_chain_and_xforward_orig_queue_id() throws IOException {
        RecordingSink z = run(PREFIX + "5_zimbra_amavisd.log");
        assertThat(z.messages).hasSize(1);
        assertThat(z.originals().get(0).queueIds()).containsExactly("E8759DC24C3", "218BEDC28EC", "33DE0DC24C3");
        RecordingSink w = run(PREFIX + "8_weird_log_file.log");
        assertThat(w.messages).hasSize(1);
        assertThat(w.originals().get(0).queueIds()).containsExactly("4F5C64474F", "ED01244770");
        assertThat(RecordingSink.states(w.originals().get(0)))
                .containsExactly(Map.entry("h-14a52d@h-d6b1ceccbb3bc48.com", "sent"));
    }
}
