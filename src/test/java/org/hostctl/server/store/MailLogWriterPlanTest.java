package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostctl.support.MailLogSamples.message;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.maillog.MessageRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The send log's writer over a store that grew faster than anyone analysed it: its lookups start at the index of
 * the key they look for. A plan that reached the messages through an index on a column that is NULL on nearly
 * every row read all of them once per batch, and ingestion slowed down with every batch (quadratic).
 */
class MailLogWriterPlanTest {
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    static final int MESSAGES = 6_000;

    @Nested
    class On_SQLite extends Cases {
        @Override
        String newDatabaseUrl() {
            return newSqliteUrl();
        }

        @Test
        void nothing_was_analysed_so_the_plan_comes_from_the_indexes_alone() {
            int stats = db.withConnection(c -> {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            });
            assertThat(stats).isZero();
        }
    }

    @Nested
    class On_PostgreSQL extends Cases {
        @Override
        String newDatabaseUrl() {
            return newPostgresUrl();
        }

        @Test
        void the_writer_had_the_tables_analysed_once_they_grew() {
            List<String> analysed = db.withConnection(c -> {
                List<String> out = new ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery("SELECT relname FROM pg_stat_user_tables"
                        + " WHERE last_analyze IS NOT NULL ORDER BY relname")) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            });
            assertThat(analysed).contains("maillog_message", "maillog_queue_id", "maillog_recipient",
                    "maillog_visible", "maillog_hop");
        }
    }

    abstract static class Cases extends RepositoryTestSupport {
        @BeforeAll
        void fill() {
            new AccountRepository(db).create("alice", "/srv/www/alice", null, T0);
            new MailRepository(db).addDomain("alice.example", "alice", T0);
            MailLogRepository log = new MailLogRepository(db, Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC));
            List<MessageRecord> batch = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Instant at = T0.plusSeconds(10L * i);
                batch.add(message(String.format("Q%09d", i), at, "s" + i + "@remote.example", null,
                        "u" + i % 50 + "@alice.example"));
                if (batch.size() == 2_000) {
                    log.commit(new MailLogRepository.Batch(batch, List.of(), List.of(), List.of(), List.of()));
                    batch.clear();
                }
            }
        }

        /**
         * The plan of {@code sql}. PostgreSQL plans as if sequential scans were expensive: over this small store
         * hashing the whole table is cheaper than 200 index lookups; at a million messages it is not. The plan then
         * shows which index the lookup takes.
         */
        List<String> plan(String sql, String... args) {
            boolean sqlite = db.dialect() == Dialect.SQLITE;
            return db.tx(c -> {
                List<String> lines = new ArrayList<>();
                if (!sqlite) {
                    try (java.sql.Statement s = c.createStatement()) {
                        s.execute("SET LOCAL enable_seqscan = off");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setString(i + 1, args[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lines.add(rs.getString(sqlite ? 4 : 1));
                        }
                    }
                }
                return lines;
            });
        }

        /** A chunk as the writer sends it: 200 queue IDs, two of them stored. */
        static String[] queueIds() {
            String[] ids = new String[200];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = String.format("Q%09d", i == 0 ? 7 : i == 1 ? 42 : 900_000 + i);
            }
            return ids;
        }

        @Test
        void the_arrivals_of_a_batch_are_found_through_their_queue_ids() {
            String[] ids = queueIds();
            List<String> plan = plan(MailLogTrails.arrivalsSql(ids.length), ids);
            String text = String.join("\n", plan);
            assertThat(plan).as(text).anyMatch(l -> l.contains("maillog_queue_id_queue_id"))
                    .noneMatch(l -> l.contains("maillog_message_hop_of") || l.contains("maillog_message_parent"))
                    .noneMatch(l -> l.matches("SCAN (m|q|maillog_\\w+)( .*)?") || l.contains("Seq Scan on maillog_"));
            // and it finds them
            List<String> found = db.withConnection(c -> {
                List<String> keys = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(MailLogTrails.arrivalsSql(ids.length))) {
                    for (int i = 0; i < ids.length; i++) {
                        ps.setString(i + 1, ids[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            keys.add(rs.getString(3));
                        }
                    }
                }
                return keys;
            });
            assertThat(found).containsExactlyInAnyOrder("Q000000007", "Q000000042");
        }
    }
}
