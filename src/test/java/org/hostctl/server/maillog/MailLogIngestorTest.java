package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.support.MailLogSamples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following log files: complete lines only, each exactly once across restarts, rotation and truncation. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailLogIngestorTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path dir;

    Database db;
    MailLogRepository store;
    Path log;
    final List<String> seen = new ArrayList<>();
    final List<MailLogIngestor> running = new ArrayList<>();

    @BeforeEach
    void open() {
        db = Database.open("jdbc:sqlite:" + dir.resolve("hostd.db"));
        store = new MailLogRepository(db, Clock.fixed(NOW, ZoneOffset.UTC));
        log = dir.resolve("maillog");
    }

    @AfterEach
    void close() {
        running.forEach(MailLogIngestor::close);
        db.close();
    }

    MailLogIngestor ingestor(int batchLines) {
        MailLogIngestor i = new MailLogIngestor(List.of(log), MailLogSamples.fakeCorrelator(seen, NOW), store,
                Clock.fixed(NOW, ZoneOffset.UTC), batchLines);
        running.add(i);
        return i;
    }

    void append(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("", List.of(lines)), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static String[] lines(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i + "\n").toArray(String[]::new);
    }

    static List<String> names(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    long committedOffset() throws IOException {
        String id = MailLogIngestor.identity(log);
        return store.checkpoints(log.toString()).stream().filter(c -> c.fileIdentity().equals(id)).findFirst()
                .orElseThrow().offset();
    }

    @Test
    void only_complete_lines_are_read_and_a_line_finished_later_is_read_whole() throws IOException {
        append(log, "R one\n", "R two\r\n", "R thr");
        MailLogIngestor i = ingestor(100);
        i.pollOnce();
        assertThat(seen).containsExactly("R one", "R two");

        append(log, "ee\n");
        i.pollOnce();
        assertThat(seen).containsExactly("R one", "R two", "R three");
        assertThat(committedOffset()).isEqualTo(Files.size(log));
    }

    @Test
    void nodes_sharing_a_store_keep_their_positions_apart_and_take_over_one_kept_under_the_bare_path()
            throws IOException {
        append(log, lines("R a", 0, 4));
        ingestor(100).pollOnce(); // an earlier version: the checkpoint is kept under the path
        running.remove(0).close();
        append(log, lines("R a", 4, 6));
        seen.clear();

        MailLogIngestor mx1 = new MailLogIngestor(List.of(log), MailLogSamples.fakeCorrelator(seen, NOW), store,
                Clock.fixed(NOW, ZoneOffset.UTC), 100, "mx1", null);
        running.add(mx1);
        mx1.pollOnce();
        List<String> mx2Seen = new ArrayList<>();
        MailLogIngestor mx2 = new MailLogIngestor(List.of(log), MailLogSamples.fakeCorrelator(mx2Seen, NOW), store,
                Clock.fixed(NOW, ZoneOffset.UTC), 100, "mx2", null);
        running.add(mx2);
        mx2.pollOnce();

        assertThat(seen).as("the node continues where the path's checkpoint stood").isEqualTo(names("R a", 4, 6));
        assertThat(store.checkpoints(log.toString())).isEmpty();
        assertThat(store.checkpoints("mx1:" + log)).extracting(MailLogRepository.Checkpoint::offset)
                .containsExactly(Files.size(log));
        assertThat(mx2Seen).as("another node's file of the same path and inode is its own").isEqualTo(
                names("R a", 0, 6));
        assertThat(store.checkpoints("mx2:" + log)).extracting(MailLogRepository.Checkpoint::offset)
                .containsExactly(Files.size(log));
    }

    @Test
    void a_restart_in_the_middle_of_a_file_reads_every_line_exactly_once() throws IOException {
        append(log, lines("R a", 0, 10));
        ingestor(3).pollOnce();
        running.remove(0).close();
        append(log, lines("R a", 10, 17));
        append(log, "R a17-partial");

        MailLogIngestor second = ingestor(3);
        second.pollOnce();
        second.pollOnce();

        assertThat(seen).isEqualTo(names("R a", 0, 17));
        assertThat(committedOffset()).isEqualTo(Files.size(log) - "R a17-partial".length());
    }

    @Test
    void a_file_rotated_while_hostd_was_stopped_is_finished_before_the_new_one_is_read() throws IOException {
        append(log, lines("R old", 0, 3));
        ingestor(100).pollOnce();
        running.remove(0).close();
        append(log, lines("R old", 3, 5)); // written before the rotation
        Files.move(log, dir.resolve("maillog.1"));
        append(log, lines("R new", 0, 2));

        MailLogIngestor second = ingestor(100);
        for (int k = 0; k < 4; k++) {
            second.pollOnce();
        }

        List<String> expected = new ArrayList<>(names("R old", 0, 5));
        expected.addAll(names("R new", 0, 2));
        assertThat(seen).isEqualTo(expected);
        assertThat(store.checkpoints(log.toString())).as("the rotated file's checkpoint is gone once read")
                .hasSize(1);
    }

    @Test
    void a_file_rotated_while_running_is_read_to_its_end_through_the_open_handle() throws IOException {
        append(log, lines("R old", 0, 2));
        MailLogIngestor i = ingestor(100);
        i.pollOnce();
        Path rotated = dir.resolve("maillog.20261128-120000");
        Files.move(log, rotated);
        append(rotated, lines("R old", 2, 4)); // Postfix writes on until it reopens its log
        append(log, lines("R new", 0, 3));
        i.pollOnce();
        append(rotated, "R old4\n");
        i.pollOnce();
        i.pollOnce();
        i.pollOnce();

        assertThat(seen).containsAll(names("R old", 0, 5)).containsAll(names("R new", 0, 3)).hasSize(8)
                .doesNotHaveDuplicates();
        assertThat(seen.subList(0, 4)).isEqualTo(names("R old", 0, 4));
        assertThat(store.checkpoints(log.toString())).hasSize(1);
    }

    @Test
    void a_truncated_file_is_read_again_from_the_start() throws IOException {
        append(log, lines("R long-line-number-", 0, 5));
        MailLogIngestor i = ingestor(100);
        i.pollOnce();
        Files.writeString(log, "R after-truncation\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        i.pollOnce();

        assertThat(seen).endsWith("R after-truncation").hasSize(6);
        assertThat(committedOffset()).isEqualTo(Files.size(log));
    }

    @Test
    void unparsable_lines_failing_lines_and_odd_bytes_are_kept_and_never_stop_ingestion() throws IOException {
        byte[] odd = {'x', (byte) 0xff, (byte) 0xfe, 0, 0x1b, '[', '2', 'J', '\n'};
        append(log, "no rule for this\n", "BOOM\n");
        Files.write(log, odd, StandardOpenOption.APPEND);
        append(log, "y".repeat(MailLogIngestor.CHUNK + 10) + "\n", "R after\n");
        MailLogIngestor i = ingestor(100);
        i.pollOnce();
        i.pollOnce();

        assertThat(seen).contains("no rule for this", "BOOM", "R after");
        List<MailLogRepository.Unparsed> kept = store.unparsedLines(log.toString());
        assertThat(kept).extracting(MailLogRepository.Unparsed::text).contains("no rule for this", "BOOM");
        assertThat(kept).hasSize(4);
        assertThat(kept.get(2).text()).startsWith("x\uFFFD\uFFFD").contains("\u001b[2J").doesNotContain("\u0000");
        assertThat(kept.get(3).text()).hasSize(4096);
        assertThat(i.status().correlatorFailures()).isEqualTo(1);
        assertThat(i.status().unparsedLines()).isEqualTo(4);
        assertThat(committedOffset()).isEqualTo(Files.size(log));
    }

    @Test
    void the_daemon_thread_follows_the_file() throws Exception {
        MailLogIngestor i = ingestor(100);
        i.start(Duration.ofMillis(50));
        append(log, "R live\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (seen) {
                if (seen.contains("R live")) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        i.close();
        assertThat(seen).containsExactly("R live");
        assertThat(committedOffset()).isEqualTo(Files.size(log));
    }
}
