package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hostctl.support.MailLogSamples.bounceOf;
import static org.hostctl.support.MailLogSamples.message;
import static org.hostctl.support.MailLogSamples.reject;
import static org.hostctl.support.MailLogSamples.withStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hostctl.api.MailLogBucket;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailLogStats;
import org.hostctl.api.MailMessage;
import org.hostctl.api.MailRecipient;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.server.maillog.RecipientRecord;
import org.hostctl.server.maillog.RejectRecord;
import org.hostctl.server.service.MailLogService;
import org.hostctl.server.service.Principal;
import org.hostctl.server.service.ServiceException;
import org.hostctl.server.store.MailLogRepository.Batch;
import org.hostctl.server.store.MailLogRepository.Checkpoint;
import org.hostctl.server.store.MailLogRepository.Unparsed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The send log store and its account view, on both databases. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailLogRepositoryTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final Principal ALICE = new Principal("alice", "tok_a", true);
    static final Principal BOB = new Principal("bob", "tok_b", true);
    static final Principal CAROL = new Principal("carol", "tok_c", true);

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

    abstract static class Cases extends RepositoryTestSupport {
        MailLogRepository log;
        MailLogService service;
        AtomicInteger borrows;

        @BeforeEach
        void accountsDomainsAndMailboxes() {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            AccountRepository accounts = new AccountRepository(db);
            MailRepository mail = new MailRepository(db);
            for (String a : List.of("alice", "bob", "carol")) {
                accounts.create(a, "/srv/www/" + a, null, NOW);
            }
            mail.addDomain("alice.example", "alice", NOW);
            mail.addDomain("bob.example", "bob", NOW);
            mail.addDomain("carol.example", "carol", NOW);
            mail.createMailbox(new MailboxRow("ann@alice.example", "alice.example", 0, true, "alice.example/ann",
                    null, NOW, null), "{BLF-CRYPT}x");
            log = new MailLogRepository(db, clock);
            service = new MailLogService(log, Duration.ofDays(30), clock);
        }

        @AfterEach
        void emptyMailTables() {
            db.tx(c -> {
                try (var s = c.createStatement()) {
                    for (String t : List.of("maillog_attempt", "maillog_recipient", "maillog_queue_id",
                            "maillog_visible", "maillog_hourly", "maillog_message", "maillog_reject",
                            "maillog_checkpoint", "maillog_unparsed", "mailbox", "alias", "domain")) {
                        s.executeUpdate("DELETE FROM " + t);
                    }
                }
                return null;
            });
        }

        MailLogPage list(Principal p, String status, String direction) {
            return service.list(p, new MailLogService.Filter(null, null, null, null, status, null, null, direction,
                    null, null));
        }

        static List<String> addresses(MailMessage m) {
            return m.recipients().stream().map(MailRecipient::address).toList();
        }

        @Test
        void a_message_is_stored_with_recipients_and_attempts_and_an_upsert_replaces_its_state() {
            MessageRecord m = message("4BC2D1F2A3", T0, "ann@alice.example", "ann@alice.example",
                    "x@remote.example:deferred");
            log.message(m);
            log.message(withStatus(m, "x@remote.example:sent"));

            MailLogRepository.StoredMessage stored = log.message(m.key()).orElseThrow();
            assertThat(stored.queueIds()).containsExactly("4BC2D1F2A3");
            assertThat(stored.account()).isEqualTo("alice");
            assertThat(stored.removedAt()).isEqualTo(T0.plusSeconds(61));
            assertThat(stored.recipients()).hasSize(1);
            assertThat(stored.recipients().get(0).status()).isEqualTo("sent");
            assertThat(stored.recipients().get(0).attempts()).extracting(a -> a.status())
                    .containsExactly("deferred", "sent");
        }

        @Test
        void the_sasl_user_attributes_outgoing_mail_before_the_envelope_sender() {
            // ann of alice logs in and uses bob's domain as envelope sender
            log.message(message("AAAAA00001", T0, "forged@bob.example", "ann@alice.example",
                    "x@remote.example:sent"));
            // no login: the sender's domain decides
            log.message(message("AAAAA00002", T0.plusSeconds(1), "news@bob.example", null, "y@remote.example:sent"));

            assertThat(list(ALICE, null, null).items()).extracting(MailMessage::id)
                    .containsExactly(idOf("AAAAA00001", T0));
            assertThat(list(BOB, null, null).items()).extracting(MailMessage::id)
                    .containsExactly(idOf("AAAAA00002", T0.plusSeconds(1)));
            assertThat(list(CAROL, null, null).items()).isEmpty();
        }

        String idOf(String qid, Instant at) {
            return org.hostctl.server.maillog.LoggedText.id("message", "mx1/" + qid + "/" + at);
        }

        @Test
        void each_receiving_account_sees_only_its_own_recipients_of_a_shared_message() {
            log.message(message("SHARED0001", T0, "spammer@remote.example", null, "ann@alice.example:sent",
                    "bo@bob.example:bounced", "x@remote.example:sent"));

            MailMessage a = list(ALICE, null, null).items().get(0);
            MailMessage b = list(BOB, null, null).items().get(0);

            assertThat(addresses(a)).containsExactly("ann@alice.example");
            assertThat(a.status()).isEqualTo("sent");
            assertThat(a.direction()).isEqualTo("in");
            assertThat(a.nrcpt()).as("the number of recipients would tell about the others").isNull();
            assertThat(addresses(b)).containsExactly("bo@bob.example");
            assertThat(b.status()).isEqualTo("bounced");
            MailMessage detail = service.show(BOB, "SHARED0001");
            assertThat(addresses(detail)).containsExactly("bo@bob.example");
            assertThat(detail.toString()).doesNotContain("ann@alice.example", "x@remote.example");
            assertThat(list(CAROL, null, null).items()).isEmpty();
            assertThatThrownBy(() -> service.show(CAROL, "SHARED0001")).isInstanceOf(ServiceException.class)
                    .extracting(e -> ((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
        }

        @Test
        void another_accounts_entry_is_not_found_on_the_same_path_as_a_missing_one() {
            MessageRecord sent = message("ALICE00001", T0, "ann@alice.example", "ann@alice.example",
                    "x@remote.example:bounced");
            log.message(sent);
            log.message(bounceOf(sent, "ALICEBNC01"));
            log.reject(reject("mx1/rej/alice", T0, "x@remote.example", "nobody@alice.example", null));
            String messageId = service.show(ALICE, "ALICE00001").id();
            String rejectId = service.list(ALICE, new MailLogService.Filter(null, null, null, null, "rejected", null, null,
                    null, null, null)).items().get(0).id();
            AtomicInteger borrowed = borrowCounter();

            // the identifiers alice's entries answer to, and ones of nothing, as bob asks for them
            for (String[] pair : List.of(new String[] {"ALICE00001", "NOSUCH0001"},
                    new String[] {"ALICEBNC01", "NOSUCH0002"}, new String[] {"<ALICE00001@mx1.example>",
                        "<nosuch@mx1.example>"}, new String[] {messageId, "0123456789abcdef"},
                    new String[] {rejectId, "fedcba9876543210"})) {
                borrowed.set(0);
                assertThatThrownBy(() -> service.show(BOB, pair[0])).as(pair[0])
                        .isInstanceOf(ServiceException.class)
                        .extracting(e -> ((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
                int foreign = borrowed.getAndSet(0);
                assertThatThrownBy(() -> service.show(BOB, pair[1])).as(pair[1])
                        .isInstanceOf(ServiceException.class)
                        .extracting(e -> ((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
                int missing = borrowed.get();

                assertThat(foreign).as("database round trips for another account's " + pair[0] + " and for the"
                        + " missing " + pair[1]).isEqualTo(missing).isEqualTo(1);
            }
            // alice herself still finds the message by its notification's queue ID
            assertThat(service.show(ALICE, "ALICEBNC01").queueIds()).containsExactly("ALICE00001");
            assertThat(log.find("bob", null, "ALICE00001", null)).isEmpty();
            assertThat(log.find("alice", null, "ALICE00001", null)).isPresent();
        }

        /** Counts connections taken from the pool from now on (the metrics tracker can be set once per pool). */
        AtomicInteger borrowCounter() {
            if (borrows == null) {
                borrows = new AtomicInteger();
                AtomicInteger counter = borrows;
                ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).setMetricsTrackerFactory(
                        (pool, stats) -> new com.zaxxer.hikari.metrics.IMetricsTracker() {
                            @Override
                            public void recordConnectionAcquiredNanos(long nanos) {
                                counter.incrementAndGet();
                            }
                        });
            }
            return borrows;
        }

        @Test
        void the_sender_sees_every_recipient_and_a_receiving_account_not_the_senders_login_or_client() {
            log.message(message("SHARED0002", T0, "ann@alice.example", "ann@alice.example", "bo@bob.example:sent",
                    "x@remote.example:deferred"));

            MailMessage a = service.show(ALICE, "SHARED0002");
            MailMessage b = service.show(BOB, "SHARED0002");

            assertThat(addresses(a)).containsExactly("bo@bob.example", "x@remote.example");
            assertThat(a.direction()).isEqualTo("out");
            assertThat(a.saslUser()).isEqualTo("ann@alice.example");
            assertThat(a.status()).isEqualTo("deferred");
            assertThat(addresses(b)).containsExactly("bo@bob.example");
            assertThat(b.direction()).isEqualTo("in");
            assertThat(b.status()).isEqualTo("sent");
            assertThat(b.saslUser()).isNull();
            assertThat(b.client()).isNull();
            assertThat(b.nrcpt()).isNull();
        }

        @Test
        void filters_only_match_recipients_the_caller_may_see() {
            log.message(message("SHARED0003", T0, "x@remote.example", null, "ann@alice.example:sent",
                    "bo@bob.example:bounced"));

            MailLogPage byOthersRecipient = service.list(BOB, new MailLogService.Filter(null, "ann@alice.example",
                    null, null, null, null, null, null, null, null));
            MailLogPage byOthersDomain = service.list(BOB, new MailLogService.Filter(null, "alice.example", null,
                    null, null, null, null, null, null, null));
            MailLogPage byOthersState = list(ALICE, "bounced", null);

            assertThat(byOthersRecipient.items()).isEmpty();
            assertThat(byOthersDomain.items()).isEmpty();
            assertThat(byOthersState.items()).isEmpty();
            assertThat(list(BOB, "bounced", null).items()).hasSize(1);
        }

        @Test
        void filter_values_are_canonical_exact_and_bound() {
            log.message(message("CANON00001", T0, "Ann@Alice.Example", "ann@alice.example", "x@remote.example:sent"));
            log.message(message("CANON00002", T0.plusSeconds(5), "annx@alice.example", "ann@alice.example",
                    "y@remote.example:sent"));

            assertThat(service.list(ALICE, filterFrom("ANN@alice.example.")).items()).hasSize(1);
            assertThat(service.list(ALICE, filterFrom("alice.example")).items()).hasSize(2);
            assertThat(service.list(ALICE, filterFrom("%@alice.example")).items()).isEmpty();
            assertThat(service.list(ALICE, filterFrom("a_n@alice.example")).items()).isEmpty();
            assertThatThrownBy(() -> service.list(ALICE, filterFrom("' OR 1=1 --"))).isInstanceOf(
                    ServiceException.class);
            assertThatThrownBy(() -> service.list(ALICE, filterFrom("*.example"))).isInstanceOf(
                    ServiceException.class);
        }

        static MailLogService.Filter filterFrom(String from) {
            return new MailLogService.Filter(from, null, null, null, null, null, null, null, null, null);
        }

        @Test
        void ranges_limits_statuses_and_cursors_are_checked() {
            for (MailLogService.Filter f : List.of(
                    new MailLogService.Filter(null, null, "2025-01-01T00:00:00Z", "2026-11-28T00:00:00Z", null, null,
                            null, null, null, null),
                    new MailLogService.Filter(null, null, "2026-11-28T00:00:00Z", "2026-11-27T00:00:00Z", null, null,
                            null, null, null, null),
                    new MailLogService.Filter(null, null, "yesterday", null, null, null, null, null, null, null),
                    new MailLogService.Filter(null, null, null, null, "lost", null, null, null, null, null),
                    new MailLogService.Filter(null, null, null, null, null, null, "ab*", null, null, null),
                    new MailLogService.Filter(null, null, null, null, null, null, null, "sideways", null, null),
                    new MailLogService.Filter(null, null, null, null, null, null, null, null, "501", null),
                    new MailLogService.Filter(null, null, null, null, null, null, null, null, null, "bm90IGEgY3Vyc29y"))) {
                assertThatThrownBy(() -> service.list(ALICE, f)).as(f.toString()).isInstanceOf(ServiceException.class)
                        .extracting(e -> ((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.INVALID);
            }
        }

        @Test
        void pages_are_stable_newest_first_across_messages_and_rejects_while_new_mail_arrives() {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Instant at = T0.plusSeconds(i / 2 * 60); // pairs share a second
                String qid = "PAGE0000" + i + "X";
                log.message(message(qid, at, "ann@alice.example", "ann@alice.example", "x@remote.example:sent"));
                log.reject(reject("mx1/rej/" + i, at, "x@remote.example", "ghost" + i + "@alice.example", null));
            }
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                MailLogPage page = service.list(ALICE, new MailLogService.Filter(null, null, null, null, null, null,
                        null, null, "3", cursor));
                page.items().forEach(m -> seen.add(m.kind() + ":" + m.id()));
                cursor = page.nextCursor();
                if (pages == 1) {
                    // newer mail arriving between pages does not shift the following pages
                    log.message(message("NEWER00001", T0.plusSeconds(3600), "ann@alice.example", "ann@alice.example",
                            "z@remote.example:sent"));
                }
                pages++;
            } while (cursor != null);

            assertThat(seen).hasSize(14).doesNotHaveDuplicates();
            assertThat(pages).isEqualTo(5);
            MailLogPage all = service.list(ALICE, new MailLogService.Filter(null, null, null, "2026-11-28T10:59:00Z",
                    null, null, null, null, "500", null));
            expected.addAll(all.items().stream().map(m -> m.kind() + ":" + m.id()).toList());
            assertThat(seen).isEqualTo(expected);
            List<Instant> times = all.items().stream().map(MailMessage::receivedAt).toList();
            assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        }

        @Test
        void rejects_belong_to_the_submitters_account_and_to_the_refused_recipients_account() {
            log.reject(reject("mx1/rej/a", T0, "ann@alice.example", "nobody@bob.example", "ann@alice.example"));
            log.reject(reject("mx1/rej/b", T0, "bo@bob.example", "nobody@carol.example", null));

            assertThat(list(ALICE, "rejected", null).items()).extracting(MailMessage::direction).containsExactly("out");
            MailMessage bobsView = list(BOB, "rejected", null).items().get(0);
            assertThat(bobsView.direction()).isEqualTo("in");
            assertThat(bobsView.saslUser()).isNull();
            assertThat(list(BOB, null, "out").items()).as("a claimed sender attributes nothing").isEmpty();
            assertThat(list(CAROL, null, null).items()).extracting(m -> m.recipients().get(0).address())
                    .containsExactly("nobody@carol.example");
        }

        @Test
        void show_finds_by_queue_id_message_id_and_id_and_lists_notifications_as_events_of_the_parent() {
            MessageRecord m = message("SHOW000001", T0, "ann@alice.example", "ann@alice.example",
                    "x@remote.example:bounced");
            log.message(m);
            log.message(bounceOf(m, "BNC0000001"));

            MailMessage byQid = service.show(ALICE, "SHOW000001");
            assertThat(service.show(ALICE, "SHOW000001@mx1.example")).isEqualTo(byQid);
            assertThat(service.show(ALICE, "<SHOW000001@mx1.example>")).isEqualTo(byQid);
            assertThat(service.show(ALICE, byQid.id())).isEqualTo(byQid);
            assertThat(service.show(ALICE, "BNC0000001")).as("a notification's queue ID shows its parent")
                    .isEqualTo(byQid);
            assertThat(byQid.notifications()).hasSize(1);
            assertThat(byQid.notifications().get(0).kind()).isEqualTo("bounce");
            assertThat(byQid.recipients().get(0).attempts()).hasSize(2);
            assertThat(list(ALICE, null, null).items()).as("notifications are not mail of their own").hasSize(1);
        }

        @Test
        void stats_count_visible_recipients_and_rejects_per_bucket() {
            log.message(message("STAT000001", T0, "ann@alice.example", "ann@alice.example", "a@remote.example:sent",
                    "b@remote.example:bounced", "bo@bob.example:sent"));
            log.message(message("STAT000002", T0.plusSeconds(3600), "x@remote.example", null,
                    "ann@alice.example:deferred", "bo@bob.example:expired"));
            log.reject(reject("mx1/rej/s", T0.plusSeconds(3600), "x@remote.example", "no@alice.example", null));

            MailLogStats a = service.stats(ALICE, "2026-11-28T09:30:00Z", "2026-11-28T12:00:00Z", null, null);
            MailLogStats b = service.stats(BOB, "2026-11-28T09:30:00Z", "2026-11-28T12:00:00Z", "hour", null);

            assertThat(a.by()).isEqualTo("hour");
            assertThat(a.buckets()).containsExactly(
                    new MailLogBucket(Instant.parse("2026-11-28T09:00:00Z"), 0, 0, 0, 0, 0),
                    new MailLogBucket(Instant.parse("2026-11-28T10:00:00Z"), 2, 0, 1, 0, 0),
                    new MailLogBucket(Instant.parse("2026-11-28T11:00:00Z"), 0, 1, 0, 1, 0));
            assertThat(b.buckets().get(1).sent()).isEqualTo(1);
            assertThat(b.buckets().get(2).expired()).isEqualTo(1);
            assertThat(b.buckets().get(2).deferred()).isZero();
            assertThat(service.stats(ALICE, null, null, null, null).by()).isEqualTo("day");
            assertThatThrownBy(() -> service.stats(ALICE, "2026-01-01T00:00:00Z", null, "hour", null))
                    .isInstanceOf(ServiceException.class);
        }

        @Test
        void hourly_counts_follow_a_message_whose_state_changes_and_agree_with_the_rows_they_sum() {
            MessageRecord m = message("HOUR000001", T0.plusSeconds(600), "ann@alice.example", "ann@alice.example",
                    "a@remote.example:deferred", "bo@bob.example:deferred");
            log.message(m);
            log.commit(new Batch(List.of(withStatus(m, "a@remote.example:sent", "bo@bob.example:deferred"),
                    withStatus(m, "a@remote.example:sent", "bo@bob.example:bounced")), List.of(), List.of(), List.of(),
                    List.of()));
            MailLogRepository.Query hours = new MailLogRepository.Query("alice", MailLogRepository.Direction.ANY, null,
                    null, null, null, T0, T0.plusSeconds(3600), null, null, null);
            MailLogRepository.Query odd = new MailLogRepository.Query("alice", MailLogRepository.Direction.ANY, null,
                    null, null, null, T0.plusSeconds(1), T0.plusSeconds(3599), null, null, null);
            java.util.Map<String, java.util.Map<String, Long>> expected = java.util.Map.of("2026-11-28T10",
                    java.util.Map.of("sent", 1L, "bounced", 1L));

            assertThat(log.counts(hours, 13)).isEqualTo(expected);
            assertThat(log.counts(odd, 13)).as("from the rows, not the hourly sums").isEqualTo(expected);
            assertThat(log.counts(new MailLogRepository.Query("bob", MailLogRepository.Direction.IN, null, null, null,
                    null, T0, T0.plusSeconds(3600), null, null, null), 13))
                    .isEqualTo(java.util.Map.of("2026-11-28T10", java.util.Map.of("bounced", 1L)));
            assertThat(list(ALICE, "bounced", null).items()).hasSize(1);
            assertThat(list(ALICE, "deferred", null).items()).isEmpty();
            assertThat(list(BOB, "sent", null).items()).as("bob sees only his own recipient").isEmpty();
        }

        @Test
        void a_batch_and_its_checkpoint_are_one_transaction() {
            RejectRecord r = reject("mx1/rej/tx", T0, "x@remote.example", "a@alice.example", null);
            MessageRecord broken = new MessageRecord("mx1/BROKEN/1", "mx1", List.of("BROKEN0001"), null, "",
                    null, null, null, null, null, null, null, null, null, List.of()); // no arrival time: fails

            assertThatThrownBy(() -> log.commit(new Batch(List.of(broken), List.of(r), List.of(),
                    List.of(new Checkpoint("/var/log/mail.log", "1:2", 100, NOW)), List.of())))
                    .isInstanceOf(RuntimeException.class);
            assertThat(log.checkpoints("/var/log/mail.log")).isEmpty();
            assertThat(list(ALICE, null, null).items()).isEmpty();

            log.commit(new Batch(List.of(), List.of(r), List.of(new Unparsed("/var/log/mail.log", "1:2", 5, "?")),
                    List.of(new Checkpoint("/var/log/mail.log", "1:2", 100, NOW),
                            new Checkpoint("/var/log/mail.log", "1:1", 7, NOW)), List.of()));
            log.commit(new Batch(List.of(), List.of(), List.of(),
                    List.of(new Checkpoint("/var/log/mail.log", "1:2", 150, NOW)),
                    List.of(new Checkpoint("/var/log/mail.log", "1:1", 7, NOW))));
            assertThat(log.checkpoints("/var/log/mail.log")).extracting(Checkpoint::fileIdentity, Checkpoint::offset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("1:2", 150L));
            assertThat(list(ALICE, null, null).items()).hasSize(1);
            assertThat(log.unparsedCount()).isEqualTo(1);
        }

        @Test
        void control_characters_nul_and_odd_text_from_logs_are_stored_without_harm() {
            String evil = "ev\u0000il\u001b[2J\r\n\u009b31m@alice.example";
            RecipientRecord r = new RecipientRecord("ann@alice.example", null, "bounced", "5.0.0",
                    "relay\u0000", "\u001b]8;;http://x\u0007link\u001b]8;;\u0007", T0, List.of());
            log.message(new MessageRecord("mx1/EVIL000001/x", "mx1", List.of("EVIL000001"), "<a\u0000b>", evil, null,
                    null, "h\u0000[1.2.3.4]", null, null, T0, null, null, "weird", List.of(r)));
            log.unparsed("/var/log/mail.log", 0, "NUL\u0000 and \ud800 and " + "x".repeat(10_000));

            MailMessage m = service.show(ALICE, "EVIL000001");
            assertThat(m.from()).doesNotContain("\u0000").contains("\u001b[2J");
            assertThat(m.recipients().get(0).response()).contains("\u001b]8;;");
            assertThat(log.unparsedLines("/var/log/mail.log").get(0).text()).hasSize(4096).doesNotContain("\u0000");
        }

        @Test
        void purge_removes_what_is_older_than_the_retention_period() {
            log.message(message("OLD0000001", NOW.minus(Duration.ofDays(31)), "ann@alice.example",
                    "ann@alice.example", "x@remote.example:sent"));
            log.message(message("NEW0000001", NOW.minus(Duration.ofDays(29)), "ann@alice.example",
                    "ann@alice.example", "x@remote.example:sent"));
            log.reject(reject("mx1/rej/old", NOW.minus(Duration.ofDays(40)), "x@remote.example", "a@alice.example",
                    null));

            assertThat(service.purge()).isEqualTo(2);
            assertThat(list(ALICE, null, null).items()).extracting(m -> m.queueIds().get(0))
                    .containsExactly("NEW0000001");
        }
    }
}
