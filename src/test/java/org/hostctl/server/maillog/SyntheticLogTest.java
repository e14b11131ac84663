package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SyntheticLogTest {
    /** Feeds {@code file} through a fresh correlator; returns lines per second. */
    static double ingest(Path file, MailLogSink sink, PostfixCorrelator[] out) throws IOException {
        PostfixCorrelator c = new PostfixCorrelator(sink, LineParser.at(ZoneOffset.UTC, SyntheticLog.REFERENCE));
        long n = 0;
        long t0 = System.nanoTime();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null;) {
                c.accept("synthetic", n++, line);
            }
        }
        c.flush();
        double secs = (System.nanoTime() - t0) / 1e9;
        out[0] = c;
        return n / secs;
    }

    @Test
    void generated_log_is_deterministic_and_fully_understood(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        long lines = SyntheticLog.write(a, 20_000, 42);
        SyntheticLog.write(b, 20_000, 42);
        assertThat(Files.readAllLines(a)).isEqualTo(Files.readAllLines(b));
        RecordingSink sink = new RecordingSink();
        PostfixCorrelator[] c = new PostfixCorrelator[1];
        double rate = ingest(a, sink, c);
        assertThat(c[0].stats().lines()).isEqualTo(lines);
        assertThat(sink.unparsed).isEmpty();
        assertThat(sink.rejects).hasSizeBetween(1_000, 2_200); // ~8 %
        assertThat(sink.originals()).hasSizeBetween(17_000, 19_000);
        assertThat(sink.notifications()).isNotEmpty().allSatisfy(n -> assertThat(n.notificationKind()).isEqualTo("bounce"));
        assertThat(sink.messages.values()).allSatisfy(m -> assertThat(m.removedAt()).isNotNull());
        assertThat(sink.originals()).flatMap(MessageRecord::recipients).extracting(RecipientRecord::status)
                .contains("sent", "bounced", "expired").doesNotContain("pending");
        assertThat(c[0].stats().openRecords()).isZero();
        System.out.printf("synthetic: %d lines, %.0f lines/s%n", lines, rate);
    }

    /** {@code java -cp target/classes:target/test-classes org.hostctl.server.maillog.SyntheticLogTest MESSAGES}. */
    public static void main(String[] args) throws IOException {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path f = Files.createTempFile("synthetic", ".log");
        try {
            long lines = SyntheticLog.write(f, messages, 1);
            MailLogSink discard = new MailLogSink() {
                @Override
                public void message(MessageRecord message) {}

                @Override
                public void reject(RejectRecord reject) {}

                @Override
                public void unparsed(String source, long offset, String line) {}
            };
            PostfixCorrelator[] c = new PostfixCorrelator[1];
            for (int i = 0; i < 3; i++) {
                double rate = ingest(f, discard, c);
                System.out.printf("run %d: %d lines, %.0f lines/s, %s%n", i, lines, rate, c[0].stats());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
