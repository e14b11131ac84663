package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.maillog.MailLogIngestor;
import org.hostctl.server.maillog.MailLogIngestor.Backlog;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.support.MailLogSamples;
import org.hostctl.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The send-log follower's backlog on real files and a real store, and what the probe makes of it. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailLogProbeTest {
    static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration LAG = Duration.ofSeconds(30);
    static final Duration ANY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(START);
    final List<String> seen = new ArrayList<>();
    Database db;
    Path log;
    MailLogIngestor ingestor;
    MailLogProbe probe;

    @BeforeEach
    void open() {
        db = Database.open("jdbc:sqlite:" + dir.resolve("hostd.db"));
        log = dir.resolve("maillog");
        ingestor = new MailLogIngestor(List.of(log), MailLogSamples.fakeCorrelator(seen, START),
                new MailLogRepository(db, clock), clock);
        probe = new MailLogProbe(ingestor::backlog, POLL, LAG, clock);
    }

    @AfterEach
    void close() {
        ingestor.close();
        db.close();
    }

    void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    ProbeResult probe() {
        ProbeResult r = probe.run(ANY, ANY);
        GreetingProbeTest.assertClean(r);
        return r;
    }

    @Test
    void appended_lines_are_unread_until_polled() throws IOException {
        append(log, "line 1\nline 2\n");
        ingestor.pollOnce();
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(0, START, null));
        assertThat(probe().detail()).isEqualTo("up to date");

        clock.advance(Duration.ofSeconds(1));
        append(log, "line 3\n");
        Instant appended = clock.instant();
        Backlog b = ingestor.backlog();
        assertThat(b.unreadBytes()).isEqualTo(7);
        assertThat(b.unreadSince()).isEqualTo(appended);
        assertThat(b.lastPoll()).isEqualTo(START);
        ProbeResult r = probe();
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).isEqualTo("7 bytes behind, reading");

        clock.advance(Duration.ofSeconds(1));
        append(log, "line 4\n");
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(14, START, appended));

        ingestor.pollOnce();
        assertThat(seen).containsExactly("line 1", "line 2", "line 3", "line 4");
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(0, clock.instant(), null));
    }

    @Test
    void unread_bytes_waiting_longer_than_the_threshold_are_degraded() throws IOException {
        append(log, "first\n");
        ingestor.pollOnce();
        Instant since = clock.instant();
        append(log, "x".repeat(99)); // a line the writer never finished: polls go on, the bytes stay unread
        for (int i = 0; i < 40; i++) {
            ingestor.pollOnce();
            assertThat(ingestor.backlog()).isEqualTo(new Backlog(99, clock.instant(), since));
            assertThat(probe().state()).isEqualTo(i <= 30 ? State.OK : State.DEGRADED);
            clock.advance(POLL);
        }
        ingestor.pollOnce();
        ProbeResult r = probe();
        assertThat(r.state()).isEqualTo(State.DEGRADED);
        assertThat(r.detail()).isEqualTo("99 bytes of the Postfix log unread for 40 s");

        append(log, "\n");
        ingestor.pollOnce();
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(0, clock.instant(), null));
        assertThat(probe().detail()).isEqualTo("up to date");
    }

    @Test
    void a_reader_that_keeps_up_with_a_busy_log_shows_no_lasting_lag() throws IOException {
        for (int i = 0; i < 60; i++) {
            append(log, "line " + i + "\n");
            ingestor.pollOnce();
            clock.advance(POLL);
            append(log, "after poll " + i + "\n"); // written while the reader is between polls
            Backlog b = ingestor.backlog();
            assertThat(b.unreadBytes()).isPositive();
            assertThat(Duration.between(b.unreadSince(), clock.instant())).isLessThanOrEqualTo(POLL);
        }
        assertThat(probe().state()).isEqualTo(State.OK);
    }

    @Test
    void a_follower_that_stopped_polling_is_down() throws IOException {
        append(log, "line\n");
        ingestor.pollOnce();
        clock.advance(Duration.ofSeconds(30)); // max(3 × 1 s, 30 s)
        assertThat(probe().state()).isEqualTo(State.OK);
        clock.advance(Duration.ofSeconds(5));
        ProbeResult r = probe();
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("the log follower stopped 35 s ago");
        ingestor.pollOnce();
        assertThat(probe().state()).isEqualTo(State.OK);
    }

    @Test
    void before_the_first_poll_it_is_starting_and_later_down() {
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(0, null, null));
        ProbeResult r = probe();
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).isEqualTo("starting");
        clock.advance(LAG.plusSeconds(1));
        r = probe();
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("the log follower has not read the log yet");
    }

    @Test
    void a_truncated_file_counts_nothing_and_a_rotated_one_counts_the_new_file() throws IOException {
        append(log, "a longer line than the next\n");
        ingestor.pollOnce();
        Files.writeString(log, "short\n");
        assertThat(ingestor.backlog().unreadBytes()).isZero();
        ingestor.pollOnce();
        assertThat(seen).containsExactly("a longer line than the next", "short");

        Files.move(log, dir.resolve("maillog.1"));
        append(log, "new file\n");
        assertThat(ingestor.backlog().unreadBytes()).isEqualTo(9);
        ingestor.pollOnce();
        assertThat(ingestor.backlog().unreadBytes()).isZero();
        assertThat(seen).endsWith("new file");
    }

    @Test
    void a_missing_file_has_nothing_unread() {
        ingestor.pollOnce();
        assertThat(ingestor.backlog()).isEqualTo(new Backlog(0, START, null));
    }

    @Test
    void a_failing_supplier_is_down() {
        probe = new MailLogProbe(() -> {
            throw new IllegalStateException("boom");
        }, POLL, LAG, clock);
        ProbeResult r = probe();
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("cannot ask the log follower: IllegalStateException");
    }
}
