package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
