package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hostctl.api.MailAttempt;
import org.hostctl.api.MailHop;
import org.hostctl.api.MailLogBucket;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailMessage;
import org.hostctl.server.maillog.AttemptRecord;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.server.maillog.RecipientRecord;
import org.hostctl.server.service.MailLogService;
import org.hostctl.server.service.Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A message relayed from one mail host to another (MX host to mailbox host) is one trail, whichever host's record
 * is stored first, and is counted once.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailLogTrailsTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final Principal ALICE = new Principal("alice", "tok_a", true);
    static final Principal BOB = new Principal("bob", "tok_b", true);

    @Nested
    class On_SQLite extends Cases {
        @Override
        String newDatabaseUrl() {
            return newSqliteUrl();
        }
    }

    @Nested
    class On_PostgreSQL extends Cases {
        @Override
        String newDatabaseUrl() {
            return newPostgresUrl();
        }
    }

    /** MX host {@code mx1} takes a message for {@code to} and hands it to {@code mbox1} as {@code nextQid}. */
    static MessageRecord onMx(String qid, Instant at, String to, String nextQid) {
        AttemptRecord handed = new AttemptRecord(at.plusSeconds(2), "mbox1.example[192.0.2.20]:25", "2", "2.0.0",
                "sent", "250 2.0.0 Ok: queued as " + nextQid);
        return new MessageRecord("mx1/" + qid + "/" + at, "mx1", List.of(qid), "<" + qid + "@remote.example>",
                "x@remote.example", null, null, "client.remote.example[198.51.100.7]", 900L, 1, at,
                at.plusSeconds(3), null, null, List.of(new RecipientRecord(to, null, "sent", "2.0.0",
                        handed.relay(), handed.response(), handed.at(), List.of(handed))));
    }

    /** Mailbox host {@code mbox1} receives {@code qid} from mx1 and delivers it by LMTP with {@code status}. */
    static MessageRecord onMailbox(String qid, Instant at, String to, String status) {
        List<AttemptRecord> attempts = new ArrayList<>();
        attempts.add(new AttemptRecord(at.plusSeconds(3), "mbox1[private/dovecot-lmtp]", "2", "4.2.2", "deferred",
                "452 4.2.2 Mailbox is full"));
        if (!status.equals("deferred")) {
            attempts.add(new AttemptRecord(at.plusSeconds(70), "mbox1[private/dovecot-lmtp]", "70",
                    status.equals("sent") ? "2.0.0" : "5.2.2", status, status.equals("sent")
                            ? "250 2.0.0 <" + to + "> nTQfA Saved" : "552 5.2.2 Mailbox is full"));
        }
        AttemptRecord last = attempts.get(attempts.size() - 1);
        return new MessageRecord("mbox1/" + qid + "/" + at, "mbox1", List.of(qid), "<x@remote.example>",
                "x@remote.example", null, null, "mx1.example[192.0.2.10]", 1100L, 1, at,
                status.equals("deferred") ? null : at.plusSeconds(71), null, null, List.of(new RecipientRecord(to,
                        null, status, last.dsn(), last.relay(), last.response(), last.at(), attempts)));
    }

    abstract static class Cases extends RepositoryTestSupport {
        MailLogRepository log;
        MailLogService service;

        @BeforeEach
        void accountsAndDomains() {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            AccountRepository accounts = new AccountRepository(db);
            MailRepository mail = new MailRepository(db);
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.create("bob", "/srv/www/bob", null, NOW);
            mail.addDomain("alice.example", "alice", NOW);
            log = new MailLogRepository(db, clock);
            service = new MailLogService(log, Duration.ofDays(30), clock);
        }

        @AfterEach
        void emptyMailTables() {
            db.tx(c -> {
                try (var s = c.createStatement()) {
                    for (String t : List.of("maillog_hop", "maillog_attempt", "maillog_recipient", "maillog_queue_id",
                            "maillog_visible", "maillog_hourly", "maillog_message", "domain")) {
                        s.executeUpdate("DELETE FROM " + t);
                    }
                }
                return null;
            });
        }

        MailLogPage list(String to, String status) {
            return service.list(ALICE, new MailLogService.Filter(null, to, null, null, status, null, null, null,
                    null, null));
        }

        long delivered() {
            List<MailLogBucket> b = service.stats(ALICE, "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", "hour",
                    null).buckets();
            return b.stream().mapToLong(x -> x.sent() + x.deferred() + x.bounced() + x.expired()).sum();
        }

        void assertOneTrail(String status) {
            MailLogPage page = list(null, null);
            assertThat(page.items()).as("the relayed hop is no second message").hasSize(1);
            MailMessage item = page.items().get(0);
            assertThat(item.host()).isEqualTo("mx1");
            assertThat(item.queueIds()).containsExactly("AAAAA00001");
            assertThat(item.status()).isEqualTo(status);
            assertThat(list("ann@alice.example", null).items()).extracting(MailMessage::id)
                    .containsExactly(item.id());
            assertThat(list(null, status).items()).extracting(MailMessage::id).containsExactly(item.id());
            assertThat(delivered()).as("one recipient counted once").isEqualTo(1);

            MailMessage shown = service.show(ALICE, item.id());
            assertThat(shown.hops()).extracting(MailHop::host).containsExactly("mx1", "mbox1");
            assertThat(shown.hops().get(1).queueIds()).containsExactly("BBBBB00001");
            assertThat(shown.recipients()).hasSize(1);
            assertThat(shown.recipients().get(0).status()).isEqualTo(status);
            assertThat(shown.recipients().get(0).attempts()).extracting(MailAttempt::host)
                    .startsWith("mx1", "mbox1");
            assertThat(service.show(ALICE, "BBBBB00001").id()).as("the next host's queue ID finds the trail")
                    .isEqualTo(item.id());
        }

        @Test
        void the_mx_hosts_record_first_then_the_mailbox_hosts() {
            log.message(onMx("AAAAA00001", T0, "ann@alice.example", "BBBBB00001"));
            assertThat(list(null, null).items()).hasSize(1);
            log.message(onMailbox("BBBBB00001", T0.plusSeconds(1), "ann@alice.example", "sent"));

            assertOneTrail("sent");
        }

        @Test
        void the_mailbox_hosts_record_first_then_the_mx_hosts() {
            log.message(onMailbox("BBBBB00001", T0.plusSeconds(1), "ann@alice.example", "deferred"));
            assertThat(list(null, null).items()).hasSize(1);
            log.message(onMx("AAAAA00001", T0, "ann@alice.example", "BBBBB00001"));

            assertOneTrail("deferred");
            MailMessage shown = service.show(ALICE, list(null, null).items().get(0).id());
            assertThat(shown.recipients().get(0).response()).isEqualTo("452 4.2.2 Mailbox is full");

            // the mailbox host's later lines move the whole trail's state and counts
            log.message(onMailbox("BBBBB00001", T0.plusSeconds(1), "ann@alice.example", "bounced"));
            assertOneTrail("bounced");
            assertThat(service.stats(ALICE, "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", "hour", null)
                    .buckets().get(0).bounced()).isEqualTo(1);
        }

        @Test
        void both_in_one_batch() {
            log.commit(new MailLogRepository.Batch(List.of(onMailbox("BBBBB00001", T0.plusSeconds(1),
                    "ann@alice.example", "sent"), onMx("AAAAA00001", T0, "ann@alice.example", "BBBBB00001")),
                    List.of(), List.of(), List.of(), List.of()));

            assertOneTrail("sent");
        }

        @Test
        void the_same_queue_id_on_the_same_host_or_hours_later_is_another_message() {
            log.message(onMx("AAAAA00001", T0, "ann@alice.example", "BBBBB00001"));
            MessageRecord later = onMailbox("BBBBB00001", T0.plusSeconds(3 * 3600), "ann@alice.example", "sent");
            log.message(later);
            MessageRecord sameHost = new MessageRecord("mx1/BBBBB00001/" + T0.plusSeconds(1), "mx1",
                    List.of("BBBBB00001"), null, "y@remote.example", null, null, "c.example[192.0.2.99]", 1L, 1,
                    T0.plusSeconds(1), null, null, null, List.of(new RecipientRecord("ann@alice.example", null,
                            "pending", null, null, null, null, List.of())));
            log.message(sameHost);

            assertThat(service.list(ALICE, new MailLogService.Filter(null, null, null, null, null, null, null, null,
                    null, null)).items()).hasSize(3);
            assertThat(service.show(ALICE, list(null, null).items().get(2).id()).hops()).isNull();
        }

        @Test
        void another_account_sees_nothing_of_the_trail() {
            log.message(onMx("AAAAA00001", T0, "ann@alice.example", "BBBBB00001"));
            log.message(onMailbox("BBBBB00001", T0.plusSeconds(1), "ann@alice.example", "sent"));

            assertThat(service.list(BOB, new MailLogService.Filter(null, null, null, null, null, null, null, null,
                    null, null)).items()).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.show(BOB, "BBBBB00001"))
                    .hasMessageContaining("no entry");
        }

        @Test
        void two_nodes_writing_both_halves_of_many_trails_at_once_link_every_one() throws Exception {
            int n = 60;
            List<MessageRecord> mx = new ArrayList<>();
            List<MessageRecord> mbox = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Instant at = T0.plusSeconds(10L * i);
                String a = String.format("A%09d", i);
                String b = String.format("B%09d", i);
                mx.add(onMx(a, at, "ann@alice.example", b));
                mbox.add(onMailbox(b, at.plusSeconds(1), "ann@alice.example", "sent"));
            }
            Collections.shuffle(mbox, new Random(13));
            MailLogRepository other = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> one = pool.submit(() -> {
                    for (int i = 0; i < n; i += 3) {
                        log.commit(new MailLogRepository.Batch(mx.subList(i, Math.min(n, i + 3)), List.of(),
                                List.of(), List.of(), List.of()));
                    }
                });
                Future<?> two = pool.submit(() -> {
                    for (int i = 0; i < n; i += 2) {
                        other.commit(new MailLogRepository.Batch(mbox.subList(i, Math.min(n, i + 2)), List.of(),
                                List.of(), List.of(), List.of()));
                    }
                });
                one.get();
                two.get();
            } finally {
                pool.shutdownNow();
            }

            List<MailMessage> all = service.list(ALICE, new MailLogService.Filter(null, null, null, null, null, null,
                    null, null, "500", null)).items();
            assertThat(all).hasSize(n);
            assertThat(all).extracting(MailMessage::host).containsOnly("mx1");
            assertThat(all).extracting(MailMessage::status).containsOnly("sent");
            long linked = db.withConnection(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery(
                        "SELECT COUNT(*) FROM maillog_hop WHERE to_key IS NOT NULL")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(linked).isEqualTo(n);
            assertThat(service.stats(ALICE, "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", "hour", null)
                    .buckets().get(0).sent()).isEqualTo(n);
        }
    }
}
