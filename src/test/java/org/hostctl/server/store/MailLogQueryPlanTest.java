package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostctl.support.MailLogSamples.message;
import static org.hostctl.support.MailLogSamples.reject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.server.maillog.RejectRecord;
import org.hostctl.server.store.MailLogRepository.Direction;
import org.hostctl.server.store.MailLogRepository.Position;
import org.hostctl.server.store.MailLogRepository.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The plans the databases choose for send log searches over a filled store (20,000 messages, statistics gathered):
 * a filtered search starts at the filter's index and never walks the messages; the newest-first page walks the
 * account's index in order and stops at the page size.
 */
class MailLogQueryPlanTest {
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    static final int MESSAGES = 20_000;

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

        @BeforeAll
        void fill() {
            Clock clock = Clock.fixed(T0.plusSeconds(86_400 * 10), ZoneOffset.UTC);
            new AccountRepository(db).create("alice", "/srv/www/alice", null, T0);
            new AccountRepository(db).create("bob", "/srv/www/bob", null, T0);
            new MailRepository(db).addDomain("alice.example", "alice", T0);
            new MailRepository(db).addDomain("bob.example", "bob", T0);
            log = new MailLogRepository(db, clock);
            List<MessageRecord> batch = new ArrayList<>();
            List<RejectRecord> rejects = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Instant at = T0.plusSeconds(30L * i);
                String qid = String.format("Q%09d", i);
                batch.add(switch (i % 3) {
                    case 0 -> message(qid, at, "u" + i % 200 + "@alice.example", "u" + i % 200 + "@alice.example",
                            "r" + i + "@remote" + i % 50 + ".example:" + (i % 20 == 0 ? "bounced" : "sent"));
                    case 1 -> message(qid, at, "s" + i + "@remote.example", null, "u" + i % 200 + "@alice.example");
                    default -> message(qid, at, "s" + i + "@remote.example", null, "b" + i % 100 + "@bob.example");
                });
                if (i % 10 == 0) {
                    rejects.add(reject("mx1/rej/" + i, at, "s" + i + "@remote.example", "u" + i % 200 + "@alice.example",
                            null));
                }
                if (batch.size() == 2_000) {
                    log.commit(new MailLogRepository.Batch(batch, rejects, List.of(), List.of(), List.of()));
                    batch.clear();
                    rejects.clear();
                }
            }
            db.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
                return null;
            });
        }

        Query query(Direction direction, String from, String to, String status, List<String> messageIds,
                String queueId) {
            return new Query("alice", direction, from, null, to, null, null, null, status, messageIds, queueId);
        }

        List<String> plan(Query q, Position after) {
            return plan(q, after, false);
        }

        /**
         * {@code withoutSeqScan}: PostgreSQL plans as if sequential scans were expensive. A status search with a
         * cursor over this small store reads the whole table faster than it walks an index; at a million messages
         * it does not. The plan then shows that the index serves the search in order.
         */
        List<String> plan(Query q, Position after, boolean withoutSeqScan) {
            return plan(q, after, withoutSeqScan ? List.of("enable_seqscan") : List.of());
        }

        /** {@code offOnPostgres}: planner methods PostgreSQL plans as if they were expensive. */
        List<String> plan(Query q, Position after, List<String> offOnPostgres) {
            Map.Entry<String, List<Object>> statement = log.pageStatement(q, after, 51);
            boolean sqlite = db.dialect() == Dialect.SQLITE;
            return db.tx(c -> {
                List<String> lines = new ArrayList<>();
                if (!sqlite) {
                    try (Statement s = c.createStatement()) {
                        for (String setting : offOnPostgres) {
                            s.execute("SET LOCAL " + setting + " = off");
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ")
                        + statement.getKey())) {
                    List<Object> args = statement.getValue();
                    for (int i = 0; i < args.size(); i++) {
                        Object a = args.get(i);
                        if (a instanceof Integer n) {
                            ps.setInt(i + 1, n);
                        } else if (a == null) {
                            ps.setNull(i + 1, Types.NULL);
                        } else {
                            ps.setString(i + 1, a.toString());
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // SQLite: "id parent detail", so that a step's children can be found
                            lines.add(sqlite ? rs.getInt(1) + " " + rs.getInt(2) + " " + rs.getString(4)
                                    : rs.getString(1));
                        }
                    }
                }
                return lines;
            });
        }

        /**
         * The messages' stream is not sorted: it comes in index order, ordered by {@code table}'s received_at and
         * msg_key (only the merge of messages and rejects sorts, a page of each).
         */
        void streamInIndexOrder(List<String> plan, String table) {
            if (db.dialect() == Dialect.SQLITE) {
                String stream = plan.stream().filter(l -> l.endsWith(" CO-ROUTINE s0")).findFirst()
                        .orElseThrow().split(" ")[0];
                assertThat(plan).as(String.join("\n", plan))
                        .noneMatch(l -> l.split(" ")[1].equals(stream) && l.contains("TEMP B-TREE"));
            } else {
                String sort = "Sort Key: " + table + ".received_at DESC, " + table + ".msg_key DESC";
                assertThat(plan).as(String.join("\n", plan)).noneMatch(l -> l.strip().equals(sort));
            }
        }

        /** No step reads a whole send log table (SQLite: SCAN of a table; PostgreSQL: Seq Scan). */
        static void noFullScan(List<String> plan) {
            assertThat(plan).as(String.join("\n", plan))
                    .noneMatch(l -> l.matches("(\\d+ \\d+ )?SCAN (m|v|r|j|maillog_\\w+)( .*)?"))
                    .noneMatch(l -> l.contains("Seq Scan on maillog_"));
        }

        @Test
        void a_recipient_sender_message_id_or_queue_id_search_starts_at_its_index() {
            List<Query> filtered = List.of(
                    query(Direction.ANY, null, "u7@alice.example", null, null, null),
                    query(Direction.OUT, null, "r3@remote3.example", null, null, null),
                    query(Direction.IN, null, "u7@alice.example", null, null, null),
                    query(Direction.ANY, "u9@alice.example", null, null, null, null),
                    query(Direction.ANY, null, null, null, List.of("<Q000000033@mx1.example>"), null),
                    query(Direction.ANY, null, null, null, null, "Q000000033"));
            for (Query q : filtered) {
                List<String> plan = plan(q, null);
                noFullScan(plan);
                // the account's own index is not walked to find a handful of messages
                assertThat(plan).as(String.join("\n", plan)).noneMatch(l -> l.contains("maillog_visible_account"));
            }
            assertThat(log.page(filtered.get(0), null, 51).size()).isEqualTo(MESSAGES / 3 / 200 + 1);
            assertThat(log.page(filtered.get(4), null, 51).size()).isEqualTo(1);
        }

        @Test
        void a_sender_search_walks_the_senders_index_newest_first_and_is_not_sorted() {
            Position cursor = new Position(T0.plusSeconds(30L * 9_000), MailLogRepository.MESSAGE, "mx1/x");
            for (Direction d : Direction.values()) {
                for (Position after : java.util.Arrays.asList(null, cursor)) {
                    Query q = query(d, "u9@alice.example", null, null, null, null);
                    // PostgreSQL sorts this store's 34 messages of u9 rather than walk an index for them; for a
                    // sender of thousands it walks the index. The plan without bitmap scans shows that it can.
                    List<String> plan = plan(q, after, List.of("enable_bitmapscan"));
                    noFullScan(plan);
                    assertThat(plan).as(String.join("\n", plan)).anyMatch(l -> l.contains("maillog_message_sender"))
                            .noneMatch(l -> l.contains("maillog_visible_account"));
                    streamInIndexOrder(plan, "m");
                }
            }
            // u9 sent every 600th message (i % 3 == 0 and i % 200 == 9): newest first, the cursor continues the list
            Query q = query(Direction.OUT, "u9@alice.example", null, null, null, null);
            List<MailLogRepository.Row> first = log.page(q, null, 10);
            assertThat(first).hasSize(10);
            assertThat(first).extracting(r -> r.position().at())
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(first.get(0).position().at()).isEqualTo(T0.plusSeconds(30L * 19_809));
            List<MailLogRepository.Row> next = log.page(q, first.get(9).position(), 100);
            assertThat(next).hasSize(MESSAGES / 600 + 1 - 10);
            assertThat(next.get(0).position().at()).isEqualTo(first.get(9).position().at().minusSeconds(30L * 600));
        }

        @Test
        void the_newest_first_page_and_a_status_search_walk_the_accounts_index_in_order() {
            Position cursor = new Position(T0.plusSeconds(30L * 9_000), MailLogRepository.MESSAGE, "mx1/x");
            for (Query q : List.of(query(Direction.ANY, null, null, null, null, null),
                    query(Direction.OUT, null, null, null, null, null),
                    query(Direction.ANY, null, null, "bounced", null, null))) {
                for (Position after : java.util.Arrays.asList(null, cursor)) {
                    List<String> plan = plan(q, after, q.status() != null && after != null);
                    noFullScan(plan);
                    assertThat(plan).as(String.join("\n", plan)).anyMatch(l -> l.contains("maillog_visible_account"));
                    streamInIndexOrder(plan, "v");
                }
            }
            assertThat(log.page(query(Direction.ANY, null, null, "bounced", null, null), null, 51).size())
                    .isEqualTo(51);
        }
    }
}
