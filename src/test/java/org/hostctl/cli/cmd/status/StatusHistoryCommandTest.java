package org.hostctl.cli.cmd.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.api.Notice;
import org.hostctl.api.Outage;
import org.hostctl.api.StatusHistory;
import org.hostctl.cli.ExitCodes;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hostctl status history} against a fake API. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StatusHistoryCommandTest {
    static final Instant UNTIL = Instant.parse("2026-11-28T21:00:00Z");

    @TempDir
    Path dir;

    FakeStatusApi fake;
    Hostctl hostctl;

    @BeforeEach
    void client() {
        fake = new FakeStatusApi();
        hostctl = new Hostctl(dir).env("HOSTCTL_TOKEN", "t0ken").api(fake.api());
    }

    static StatusHistory history(int days) {
        return new StatusHistory(UNTIL.minus(Duration.ofDays(days)), UNTIL, List.of(
                new Outage("a.example", "imap", "mx-a", "down", UNTIL.minus(Duration.ofMinutes(25)), null,
                        "connection refused"),
                new Outage(null, "sendlog", "postfix", "degraded", Instant.parse("2026-11-20T10:00:00Z"),
                        Instant.parse("2026-11-20T11:05:30Z"), "log 300 s behind")),
                List.of(new Notice(9, "mail", "mx-a", "IMAP down on mx-a", "Disk replaced.\nBack soon.",
                        UNTIL.minus(Duration.ofMinutes(20)), null, null),
                        new Notice(4, "sendlog", null, "Send log delayed", "Fixed.",
                                Instant.parse("2026-11-20T10:10:00Z"), Instant.parse("2026-11-20T10:40:00Z"),
                                Instant.parse("2026-11-20T11:10:00Z"))));
    }

    @Test
    void lists_ongoing_and_ended_outages_then_the_notices_of_the_period() {
        fake.history(history(30));

        HostctlRun r = hostctl.run("status", "history");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(fake.historyDays).containsExactly((Integer) null);
        assertThat(r.out()).isEqualTo("""
                DOMAIN     SERVICE  BACKEND  STATE     START                 END                   DURATION   DETAIL
                a.example  imap     mx-a     down      2026-11-28T20:35:00Z  ongoing               25 min     connection refused
                (account)  sendlog  postfix  degraded  2026-11-20T10:00:00Z  2026-11-20T11:05:30Z  1 h 5 min  log 300 s behind

                #9 [mail/mx-a] IMAP down on mx-a (posted 2026-11-28T20:40:00Z)
                    Disk replaced.
                    Back soon.
                #4 [sendlog] Send log delayed (posted 2026-11-20T10:10:00Z, updated 2026-11-20T10:40:00Z, resolved 2026-11-20T11:10:00Z)
                    Fixed.
                """);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void days_is_passed_on() {
        fake.history(history(7));

        HostctlRun r = hostctl.run("status", "history", "--days", "7");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(fake.historyDays).containsExactly(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void days_below_1_is_a_usage_error_without_a_request(String days) {
        HostctlRun r = hostctl.run("status", "history", "--days", days);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("hostctl: --days must be at least 1\n");
        assertThat(fake.historyDays).isEmpty();
    }

    @Test
    void json_is_the_history_as_received() throws IOException {
        StatusHistory sent = history(30);
        fake.history(sent);

        HostctlRun r = hostctl.run("status", "history", "-o", "json");

        assertThat(Json.mapper().readValue(r.out(), StatusHistory.class)).isEqualTo(sent);
        assertThat(Json.mapper().readTree(r.out()).fieldNames()).toIterable()
                .containsExactly("since", "until", "outages", "notices");
    }

    @Test
    void csv_has_the_outages_with_an_empty_end_while_ongoing() {
        fake.history(history(30));

        HostctlRun r = hostctl.run("status", "history", "-o", "csv");

        assertThat(r.out()).isEqualTo("""
                DOMAIN,SERVICE,BACKEND,STATE,START,END,DURATION,DETAIL
                a.example,imap,mx-a,down,2026-11-28T20:35:00Z,,25 min,connection refused
                ,sendlog,postfix,degraded,2026-11-20T10:00:00Z,2026-11-20T11:05:30Z,1 h 5 min,log 300 s behind
                """);
    }
}
