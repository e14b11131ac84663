package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hostctl.it.PostgresFixture;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.server.store.MailLogRepository.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real correlator and store across stops of hostd: a log read with stops in the middle of messages, with a
 * rotation by rename or a truncation while hostd is down, stores exactly what the same log read in one go stores.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailLogRestartTest {
    /** A few hours after the synthetic log's lines (2026-03-01 from 00:00), so orphan expiry runs on real ages. */
    static final Instant NOW = Instant.parse("2026-03-01T03:00:00Z");
    static final int MESSAGES = 400;
    static final long SEED = 42;

    @TempDir
    Path dir;

    final List<Database> opened = new ArrayList<>();
    final List<MailLogIngestor> running = new ArrayList<>();

    @AfterEach
    void closeAll() {
        running.forEach(MailLogIngestor::close);
        opened.forEach(Database::close);
    }

    // ------------------------------------------------------------------ fixtures

    Database database(String dialect) {
        String url = dialect.equals("postgresql")
                ? PostgresFixture.require().createDatabase("restart_" + UUID.randomUUID().toString().replace("-", "")
                        .substring(0, 12))
                : "jdbc:sqlite:" + dir.resolve("hostd-" + opened.size() + ".db");
        Database db = Database.open(url);
        opened.add(db);
        return db;
    }

    static Function<MailLogSink, LogCorrelator> realCorrelator() {
        return sink -> new PostfixCorrelator(sink, LineParser.at(ZoneOffset.UTC, SyntheticLog.REFERENCE));
    }

    /** A hostd run: a new ingestor with a new correlator on the same store, polled until nothing is left. */
    void run(MailLogRepository store, Path log) {
        MailLogIngestor i = new MailLogIngestor(List.of(log), realCorrelator(), store, Clock.fixed(NOW,
                ZoneOffset.UTC), 50);
        running.add(i);
        for (int k = 0; k < MailLogIngestor.QUIET_POLLS + 2; k++) {
            i.pollOnce();
        }
        i.close();
        running.remove(i);
    }

    static List<String> syntheticLines() {
        List<String> lines = new ArrayList<>();
        SyntheticLog.generate(MESSAGES, SEED, lines::add);
        return lines;
    }

    static void append(Path file, List<String> lines) throws IOException {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l).append('\n'));
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Index just after the {@code nth} line matching {@code p}: a stop there cuts a message in two. */
    static int after(List<String> lines, Predicate<String> p, int nth) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i)) && seen++ == nth) {
                return i + 1;
            }
        }
        throw new AssertionError("no such line");
    }

    /** Every stored message by key, with recipients and attempts. */
    static Map<String, StoredMessage> stored(Database db, MailLogRepository store) {
        List<String> keys = db.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT msg_key FROM maillog_message ORDER BY msg_key");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        Map<String, StoredMessage> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, store.message(k).orElseThrow()));
        return out;
    }

    static long rejects(Database db) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM maillog_reject");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The log read in one go, in a database of its own. */
    Map<String, StoredMessage> baseline(String dialect, List<String> lines) throws IOException {
        Database db = database(dialect);
        MailLogRepository store = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
        Path log = Files.createDirectories(dir.resolve("baseline-" + opened.size())).resolve("mail.log");
        append(log, lines);
        run(store, log);
        Map<String, StoredMessage> all = stored(db, store);
        baselineRejects = rejects(db);
        assertFinal(all);
        return all;
    }

    long baselineRejects;

    /** Each queue ID of the log is one message, every message was removed, every recipient has its end state. */
    static void assertFinal(Map<String, StoredMessage> all) {
        assertThat(all).hasSizeGreaterThan(MESSAGES / 2);
        List<String> firstQueueIds = all.values().stream().map(m -> m.host() + "/" + m.queueIds().get(0)).toList();
        assertThat(firstQueueIds).as("one message per queue ID").doesNotHaveDuplicates();
        assertThat(all.values()).allSatisfy(m -> {
            assertThat(m.removedAt()).as("removed: %s", m.key()).isNotNull();
            assertThat(m.sender()).as("sender: %s", m.key()).isNotNull();
            assertThat(m.recipients()).as("recipients: %s", m.key()).isNotEmpty().allSatisfy(r -> assertThat(
                    r.status()).isIn("sent", "bounced", "expired"));
        });
    }

    void assertSameAsBaseline(Database db, MailLogRepository store, Map<String, StoredMessage> expected) {
        Map<String, StoredMessage> actual = stored(db, store);
        assertFinal(actual);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String k : expected.keySet()) {
            assertThat(actual.get(k)).as(k).isEqualTo(expected.get(k));
        }
        assertThat(rejects(db)).isEqualTo(baselineRejects);
    }

    /** Where the log is cut: inside deferred, bounced, inbound (held back) and submitted messages. */
    static List<Integer> stops(List<String> lines) {
        List<Integer> at = new ArrayList<>();
        at.add(after(lines, l -> l.contains("status=deferred"), 0));
        at.add(after(lines, l -> l.contains("non-delivery notification"), 1));
        // inbound mail is held back until its first delivery (a content filter's re-injection looks the same):
        // the stop tells it, the restart continues it
        at.add(after(lines, l -> l.contains("postfix/cleanup[") && l.contains("@remote.test>"), 40));
        at.add(after(lines, l -> l.contains("(queue active)"), 150));
        at.add(after(lines, l -> l.contains("status=deferred"), 5));
        return at.stream().sorted().distinct().toList();
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void stops_in_the_middle_of_messages_store_the_same_messages_as_one_run(String dialect) throws IOException {
        List<String> lines = syntheticLines();
        Map<String, StoredMessage> expected = baseline(dialect, lines);

        Database db = database(dialect);
        MailLogRepository store = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
        Path log = dir.resolve("mail.log");
        int from = 0;
        for (int to : stops(lines)) {
            append(log, lines.subList(from, to));
            run(store, log);
            from = to;
        }
        append(log, lines.subList(from, lines.size()));
        run(store, log);

        assertSameAsBaseline(db, store, expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void a_rotation_by_rename_while_stopped_keeps_every_message_once(String dialect) throws IOException {
        List<String> lines = syntheticLines();
        Map<String, StoredMessage> expected = baseline(dialect, lines);

        Database db = database(dialect);
        MailLogRepository store = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
        Path log = dir.resolve("mail.log");
        int stop = after(lines, l -> l.contains("status=deferred"), 3);
        int rotate = after(lines, l -> l.contains("non-delivery notification"), 2);
        assertThat(rotate).isGreaterThan(stop);
        append(log, lines.subList(0, stop));
        run(store, log);
        append(log, lines.subList(stop, rotate)); // written while hostd is down, before the rotation
        Files.move(log, dir.resolve("mail.log.1"));
        append(log, lines.subList(rotate, lines.size())); // the rest, some of it continuing older messages
        run(store, log);

        assertSameAsBaseline(db, store, expected);
        assertThat(store.checkpoints(log.toString())).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void a_truncation_while_stopped_keeps_every_message_once(String dialect) throws IOException {
        List<String> lines = syntheticLines();
        Map<String, StoredMessage> expected = baseline(dialect, lines);

        Database db = database(dialect);
        MailLogRepository store = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
        Path log = dir.resolve("mail.log");
        int stop = lines.size() * 2 / 3;
        while (!lines.get(stop - 1).contains("status=deferred")) {
            stop++; // cut right after a deferral, whose retry comes after the truncation
        }
        append(log, lines.subList(0, stop));
        run(store, log);
        Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
        append(log, lines.subList(stop, lines.size()));
        assertThat(Files.size(log)).as("shorter than what was read: seen as truncated").isLessThan(
                store.checkpoints(log.toString()).get(0).offset());
        run(store, log);

        assertSameAsBaseline(db, store, expected);
    }
}
