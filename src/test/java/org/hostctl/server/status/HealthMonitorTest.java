package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.StatusRepository;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HealthMonitorTest {
    @TempDir
    Path tmp;

    private static Probe sleeping(Duration d) {
        return (timeout, slow) -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ProbeResult(State.DOWN, "interrupted", d.toMillis());
            }
            return new ProbeResult(State.OK, "answered in " + d.toMillis() + " ms", d.toMillis());
        };
    }

    @Test
    void a_round_with_more_checks_than_threads_waits_for_queued_probes_and_cuts_only_a_hanging_one()
            throws InterruptedException {
        // 10 batches of 0.4 s on the probe threads: longer than one probe may take (2 x 1 s + 1.2 s).
        int n = HealthMonitor.PROBE_THREADS * 10;
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            checks.add(new Check("web/http://site" + i + ".test/", "web", "site" + i, sleeping(Duration.ofMillis(400))));
        }
        checks.add(new Check("mail/hung/imap", "imap", "hung", sleeping(Duration.ofSeconds(30))));
        try (Database db = Database.open("jdbc:sqlite:" + tmp.resolve("h.db"));
                HealthMonitor m = new HealthMonitor(new StatusRepository(db), "test-node", () -> checks, Duration.ofHours(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            m.start();
            long deadline = t0 + Duration.ofSeconds(30).toNanos();
            while (checks.stream().anyMatch(c -> m.state(c.id()).checkedAt() == null)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(checks.subList(0, n)).allSatisfy(c -> assertThat(m.state(c.id()).state())
                    .as(c.id()).isEqualTo(State.OK));
            assertThat(m.state("mail/hung/imap").state()).isEqualTo(State.DOWN);
            assertThat(m.state("mail/hung/imap").detail()).isEqualTo("no answer within 1 s");
            assertThat(took).as("queued probes are not counted as hanging, and a round ends").isLessThan(
                    Duration.ofSeconds(20));
            assertThat(m.states()).hasSize(n + 1);
        }
    }

    @Test
    void a_stop_while_a_round_lists_its_checks_logs_no_error_and_records_nothing_after() throws Exception {
        CountDownLatch listing = new CountDownLatch(1);
        List<Check> checks = List.of(new Check("store", "store", "hostd", sleeping(Duration.ofMillis(10))));
        // Listing the checks reads the store (document roots), which an interrupt does not cut short.
        java.util.function.Supplier<List<Check>> slowList = () -> {
            listing.countDown();
            long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
            boolean interrupted = false;
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return checks;
        };
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Database db = Database.open("jdbc:sqlite:" + tmp.resolve("h.db"))) {
            HealthMonitor m = new HealthMonitor(new StatusRepository(db), "test-node", slowList, Duration.ofHours(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC());
            m.start();
            assertThat(listing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            m.close();
            Thread.sleep(700);

            assertThat(m.state("store").state()).isEqualTo(State.UNKNOWN);
            assertThat(new StatusRepository(db).checks()).isEmpty();
        } finally {
            System.setErr(original);
        }
        assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("ERROR").doesNotContain("WARN");
    }
}
