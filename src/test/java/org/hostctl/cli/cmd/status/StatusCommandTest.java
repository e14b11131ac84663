package org.hostctl.cli.cmd.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.api.Notice;
import org.hostctl.api.ServiceState;
import org.hostctl.api.StatusReport;
import org.hostctl.cli.ExitCodes;
import org.hostctl.client.ApiException;
import org.hostctl.client.UnavailableException;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostctl status} against a fake API: rendering, exit codes, filters, formats and --watch. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StatusCommandTest {
    static final Instant T = Instant.parse("2026-11-28T21:00:00Z");

    @TempDir
    Path dir;

    FakeStatusApi fake;
    MutableClock clock;
    List<Duration> slept;
    Hostctl hostctl;

    @BeforeEach
    void client() {
        fake = new FakeStatusApi();
        clock = new MutableClock(T);
        slept = new ArrayList<>();
        hostctl = new Hostctl(dir).env("HOSTCTL_TOKEN", "t0ken").api(fake.api()).time(clock, d -> {
            slept.add(d);
            clock.advance(d);
        });
    }

    static ServiceState svc(String domain, String service, String backend, String state, Duration ago,
            String detail) {
        return new ServiceState(domain, service, backend, state, T.minus(ago), detail, T.minusSeconds(5));
    }

    static StatusReport report(String state, List<ServiceState> services, List<Notice> notices) {
        return new StatusReport(state, T, 30, services, notices);
    }

    static List<ServiceState> allOk() {
        return List.of(
                svc(null, "sendlog", "postfix", "ok", Duration.ofHours(2), "log read 3 s ago"),
                svc("a.example", "imap", "mx-a", "ok", Duration.ofMinutes(12), "greeting in 12 ms"),
                svc("a.example", "lmtp", "mx-a", "ok", Duration.ofMinutes(12), "greeting in 3 ms"),
                svc("b.example", "web", "web1", "ok", Duration.ofDays(3), "200 in 80 ms"));
    }

    static List<ServiceState> aDown() {
        return List.of(
                svc(null, "sendlog", "postfix", "ok", Duration.ofHours(2), "log read 3 s ago"),
                svc("a.example", "imap", "mx-a", "down", Duration.ofMinutes(4), "connection refused"),
                svc("a.example", "lmtp", "mx-a", "down", Duration.ofMinutes(4), "connection refused"),
                svc("b.example", "web", "web1", "degraded", Duration.ofSeconds(50), "200 in 2400 ms"));
    }

    static Notice notice(long id, String title, String body) {
        return new Notice(id, "mail", "mx-a", title, body, T.minus(Duration.ofMinutes(3)), null, null);
    }

    private HostctlRun run(String... args) {
        HostctlRun r = hostctl.run(args);
        assertThat(fake.allUsed()).as("every prepared answer used\n" + r).isTrue();
        return r;
    }

    @Nested
    class Table {
        @Test
        void piped_it_lists_every_service_in_the_servers_order_with_absolute_times_and_exits_0() {
            fake.answers(report("ok", allOk(), List.of()));

            HostctlRun r = run("status");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).isEqualTo("""
                    DOMAIN     SERVICE  BACKEND  STATE  SINCE                 DETAIL
                    (account)  sendlog  postfix  ok     2026-11-28T19:00:00Z  log read 3 s ago
                    a.example  imap     mx-a     ok     2026-11-28T20:48:00Z  greeting in 12 ms
                    a.example  lmtp     mx-a     ok     2026-11-28T20:48:00Z  greeting in 3 ms
                    b.example  web      web1     ok     2026-11-25T21:00:00Z  200 in 80 ms
                    """);
            assertThat(r.err()).isEmpty();
        }

        @Test
        void on_a_terminal_times_are_relative_and_states_coloured() {
            fake.answers(report("down", aDown(), List.of()));

            HostctlRun r = hostctl.terminal(null).run("status");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.out()).isEqualTo(""
                    + "\u001b[1mDOMAIN     SERVICE  BACKEND  STATE     SINCE      DETAIL\u001b[0m\n"
                    + "(account)  sendlog  postfix  \u001b[32mok\u001b[0m        2 h ago    log read 3 s ago\n"
                    + "a.example  imap     mx-a     \u001b[31mdown\u001b[0m      4 min ago  connection refused\n"
                    + "a.example  lmtp     mx-a     \u001b[31mdown\u001b[0m      4 min ago  connection refused\n"
                    + "b.example  web      web1     \u001b[33mdegraded\u001b[0m  50 s ago   200 in 2400 ms\n");
        }

        @Test
        void no_color_leaves_out_the_colours_on_a_terminal() {
            fake.answers(report("ok", allOk(), List.of()));

            HostctlRun r = hostctl.terminal(null).env("NO_COLOR", "1").run("status");

            assertThat(r.out()).doesNotContain("\u001b").contains("(account)  sendlog  postfix  ok     2 h ago");
        }

        @Test
        void a_down_service_exits_6_with_one_line_on_stderr_and_the_table_on_stdout() {
            fake.answers(report("down", aDown(), List.of()));

            HostctlRun r = run("status");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.out()).contains("a.example  imap     mx-a     down      2026-11-28T20:56:00Z  connection refused\n");
            assertThat(r.err()).isEqualTo("hostctl: 2 services down: imap, lmtp on a.example (mx-a)\n");
        }

        @Test
        void degraded_alone_exits_0_but_6_with_strict() {
            List<ServiceState> degraded = List.of(allOk().get(0),
                    svc("b.example", "web", "web1", "degraded", Duration.ofSeconds(50), "200 in 2400 ms"),
                    svc("c.example", "web", "web1", "unknown", Duration.ofSeconds(9), null));
            fake.answers(report("degraded", degraded, List.of()), report("degraded", degraded, List.of()));

            HostctlRun lenient = hostctl.run("status");
            HostctlRun strict = run("status", "--strict");

            assertThat(lenient.exitCode()).as(lenient.toString()).isEqualTo(ExitCodes.OK);
            assertThat(lenient.err()).isEmpty();
            assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(strict.err()).isEqualTo(
                    "hostctl: 1 service degraded, 1 unknown: web on b.example (web1); web on c.example (web1)\n");
            assertThat(strict.out()).isEqualTo(lenient.out());
        }

        @Test
        void domain_shows_only_that_domains_services_and_only_they_count() {
            fake.answers(report("down", aDown(), List.of(notice(7, "Delivery delayed", "We are on it."))));

            HostctlRun r = run("status", "--domain", "B.Example.");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).isEqualTo("""
                    DOMAIN     SERVICE  BACKEND  STATE     SINCE                 DETAIL
                    b.example  web      web1     degraded  2026-11-28T20:59:10Z  200 in 2400 ms

                    #7 [mail/mx-a] Delivery delayed (posted 2026-11-28T20:57:00Z)
                        We are on it.
                    """);
        }

        @Test
        void a_domain_without_services_exits_3() {
            fake.answers(report("ok", allOk(), List.of()));

            HostctlRun r = run("status", "--domain", "nope.example");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("hostctl: no services of nope.example in your account\n");
        }
    }

    @Nested
    class Notices {
        @Test
        void follow_the_table_after_a_blank_line_with_the_body_indented() {
            Notice maintenance = new Notice(12, "all", null, "Maintenance Sunday",
                    "First paragraph,\r\nsecond line.\n\n\tIndented by a tab.\n\n", T.minus(Duration.ofDays(1)), null, null);
            fake.answers(report("ok", allOk().subList(1, 2), List.of(notice(13, "Delivery delayed", "On it."),
                    maintenance)));

            HostctlRun r = run("status");

            assertThat(r.out()).isEqualTo("""
                    DOMAIN     SERVICE  BACKEND  STATE  SINCE                 DETAIL
                    a.example  imap     mx-a     ok     2026-11-28T20:48:00Z  greeting in 12 ms

                    #13 [mail/mx-a] Delivery delayed (posted 2026-11-28T20:57:00Z)
                        On it.
                    #12 [all] Maintenance Sunday (posted 2026-11-27T21:00:00Z)
                        First paragraph,
                        second line.

                            Indented by a tab.
                    """);
        }

        @Test
        void on_a_terminal_say_how_long_ago_they_were_posted() {
            fake.answers(report("ok", allOk().subList(1, 2), List.of(notice(13, "Delivery delayed", "On it."))));

            HostctlRun r = hostctl.terminal(null).env("NO_COLOR", "1").run("status");

            assertThat(r.out()).endsWith("\n\n#13 [mail/mx-a] Delivery delayed (posted 3 min ago)\n    On it.\n");
        }

        @Test
        void control_characters_in_server_text_are_neutralised() {
            Notice evil = new Notice(5, "mail\u001b[2J", "mx\u0007", "Title\u001b]0;pwned\u0007\rX",
                    "line\u001b[31m red\u009b\nnext\u202eline", T, null, null);
            ServiceState row = new ServiceState("a.example", "imap", "mx-a", "ok", T, "fine\u001b[2K\r", T);
            fake.answers(report("ok", List.of(row), List.of(evil)));

            HostctlRun r = hostctl.terminal(null).run("status");

            assertThat(r.out().replaceAll("\u001b\\[(0|1|2|31|32|33)m", "")).doesNotContain("\u001b", "\u0007",
                    "\r", "\u009b", "\u202e");
            assertThat(r.out()).contains("fine\\x1b[2K\\x0d")
                    .contains("#5\u001b[0m [mail\\x1b[2J/mx\\x07] Title\\x1b]0;pwned\\x07\\x0dX (posted 0 s ago)")
                    .contains("    line\\x1b[31m red\\x9b\n    next\\u202eline\n");
        }

        @Test
        void without_services_only_the_notices_are_printed() {
            fake.answers(report("ok", List.of(), List.of(notice(1, "Hello", null))));

            HostctlRun r = run("status");

            assertThat(r.out()).isEqualTo("#1 [mail/mx-a] Hello (posted 2026-11-28T20:57:00Z)\n");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Nested
    class Formats {
        @Test
        void json_is_the_report_as_received_also_when_something_is_down() throws IOException {
            StatusReport sent = report("down", aDown(), List.of(notice(7, "Delivery delayed", "Body\nmore")));
            fake.answers(sent);

            HostctlRun r = run("status", "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(Json.mapper().readValue(r.out(), StatusReport.class)).isEqualTo(sent);
            JsonNode tree = Json.mapper().readTree(r.out());
            assertThat(tree.fieldNames()).toIterable()
                    .containsExactly("state", "generatedAt", "intervalSeconds", "services", "notices");
            assertThat(tree.get("services").get(0).has("domain")).as("null domain left out").isFalse();
            assertThat(tree.get("services").get(1).get("since").asText()).isEqualTo("2026-11-28T20:56:00Z");
            assertThat(r.err()).isEqualTo("hostctl: 2 services down: imap, lmtp on a.example (mx-a)\n");
        }

        @Test
        void json_with_domain_keeps_the_shape_with_that_domains_services_and_their_worst_state() throws IOException {
            fake.answers(report("down", aDown(), List.of()));

            HostctlRun r = run("status", "-o", "json", "--domain", "b.example");

            StatusReport got = Json.mapper().readValue(r.out(), StatusReport.class);
            assertThat(got.state()).isEqualTo("degraded");
            assertThat(got.services()).extracting(ServiceState::domain).containsExactly("b.example");
        }

        @Test
        void yaml_is_the_report_too() {
            fake.answers(report("ok", allOk().subList(0, 1), List.of()));

            HostctlRun r = run("status", "-o", "yaml");

            assertThat(r.out()).isEqualTo("""
                    state: ok
                    generatedAt: 2026-11-28T21:00:00Z
                    intervalSeconds: 30
                    services:
                    - service: sendlog
                      backend: postfix
                      state: ok
                      since: 2026-11-28T19:00:00Z
                      detail: log read 3 s ago
                      checkedAt: 2026-11-28T20:59:55Z
                    notices: []
                    """);
        }

        @Test
        void csv_has_the_service_rows_only_with_an_empty_domain_for_the_account() {
            fake.answers(report("down", aDown(), List.of(notice(7, "Delivery delayed", "x"))));

            HostctlRun r = run("status", "-o", "csv");

            assertThat(r.out()).isEqualTo("""
                    DOMAIN,SERVICE,BACKEND,STATE,SINCE,DETAIL
                    ,sendlog,postfix,ok,2026-11-28T19:00:00Z,log read 3 s ago
                    a.example,imap,mx-a,down,2026-11-28T20:56:00Z,connection refused
                    a.example,lmtp,mx-a,down,2026-11-28T20:56:00Z,connection refused
                    b.example,web,web1,degraded,2026-11-28T20:59:10Z,200 in 2400 ms
                    """);
            assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        }

        @Test
        void jq_filters_the_report() {
            fake.answers(report("down", aDown(), List.of()));

            HostctlRun r = run("status", "--jq", ".services[] | select(.state == \"down\") | .service");

            assertThat(r.out()).isEqualTo("imap\nlmtp\n");
        }
    }

    @Nested
    class Watch {
        static StatusReport at(Instant t, List<ServiceState> services, List<Notice> notices) {
            return new StatusReport("ok", t, 30, services, notices);
        }

        @Test
        void piped_prints_the_report_once_then_only_the_rows_that_changed() {
            List<ServiceState> second = new ArrayList<>(allOk());
            second.set(1, svc("a.example", "imap", "mx-a", "down", Duration.ZERO, "connection refused"));
            fake.answers(report("ok", allOk(), List.of()),
                    at(T.plusSeconds(30), allOk(), List.of()),
                    at(T.plusSeconds(60), second, List.of(notice(9, "IMAP down on mx-a", "Looking into it."))));

            HostctlRun r = run("status", "--watch", "--count", "3");

            assertThat(r.out()).isEqualTo("""
                    DOMAIN     SERVICE  BACKEND  STATE  SINCE                 DETAIL
                    (account)  sendlog  postfix  ok     2026-11-28T19:00:00Z  log read 3 s ago
                    a.example  imap     mx-a     ok     2026-11-28T20:48:00Z  greeting in 12 ms
                    a.example  lmtp     mx-a     ok     2026-11-28T20:48:00Z  greeting in 3 ms
                    b.example  web      web1     ok     2026-11-25T21:00:00Z  200 in 80 ms
                    2026-11-28T21:01:00Z  a.example  imap  mx-a  ok -> down  connection refused
                    2026-11-28T21:01:00Z  notice #9 [mail/mx-a] IMAP down on mx-a
                    """);
            assertThat(slept).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
            assertThat(r.exitCode()).as("the last report has a service down").isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).isEqualTo("hostctl: 1 service down: imap on a.example (mx-a)\n");
        }

        @Test
        void piped_json_prints_one_compact_report_per_line_per_change() throws IOException {
            List<ServiceState> second = new ArrayList<>(allOk());
            second.set(3, svc("b.example", "web", "web1", "degraded", Duration.ZERO, "slow"));
            StatusReport first = report("ok", allOk(), List.of());
            StatusReport changed = at(T.plusSeconds(10), second, List.of());
            fake.answers(first, at(T.plusSeconds(5), allOk(), List.of()), changed);

            HostctlRun r = run("status", "-w", "--count", "3", "--interval", "5", "-o", "json");

            String[] lines = r.out().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(Json.mapper().readValue(lines[0], StatusReport.class)).isEqualTo(first);
            assertThat(Json.mapper().readValue(lines[1], StatusReport.class)).isEqualTo(changed);
            assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        }

        @Test
        void a_failed_request_is_one_line_on_stderr_and_watching_goes_on() {
            List<ServiceState> back = new ArrayList<>(allOk());
            back.set(3, svc("b.example", "web", "web1", "down", Duration.ZERO, "timeout"));
            fake.answers(report("ok", allOk(), List.of()),
                    new UnavailableException("cannot reach http://127.0.0.1:8640", new ConnectException("refused")),
                    new ApiException(503, null, "HTTP 503"),
                    at(T.plusSeconds(90), back, List.of()));

            HostctlRun r = run("status", "--watch", "--count", "4");

            assertThat(r.err()).isEqualTo("""
                    hostctl: 21:00:30 cannot reach http://127.0.0.1:8640; still watching
                    hostctl: 21:01:00 HTTP 503; still watching
                    hostctl: 1 service down: web on b.example (web1)
                    """);
            assertThat(r.out()).endsWith("b.example  web      web1     ok     2026-11-25T21:00:00Z  200 in 80 ms\n"
                    + "2026-11-28T21:01:30Z  b.example  web  web1  ok -> down  timeout\n");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        }

        @Test
        void ending_on_a_failed_request_exits_6() {
            fake.answers(report("ok", allOk(), List.of()), new UnavailableException("cannot reach x", null));

            HostctlRun r = run("status", "--watch", "--count", "2");

            assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err()).isEqualTo("hostctl: 21:00:30 cannot reach x; still watching\n");
        }

        @Test
        void a_refused_token_ends_watching() {
            fake.answers(new ApiException(401, null, "invalid token"));

            HostctlRun r = run("status", "--watch", "--count", "3");

            assertThat(r.exitCode()).isEqualTo(ExitCodes.AUTH);
            assertThat(r.err()).startsWith("hostctl: invalid token\n");
        }

        @Test
        void on_a_terminal_redraws_the_table_under_a_header() {
            fake.answers(report("ok", allOk().subList(1, 2), List.of()),
                    at(T.plusSeconds(30), allOk().subList(1, 2), List.of()));

            HostctlRun r = hostctl.terminal(null).env("NO_COLOR", "1").run("status", "--watch", "--count", "2");

            String table = """
                    DOMAIN     SERVICE  BACKEND  STATE  SINCE       DETAIL
                    a.example  imap     mx-a     ok     %s  greeting in 12 ms
                    """;
            assertThat(r.out()).isEqualTo("Every 30s \u2014 updated 21:00:00\n\n" + table.formatted("12 min ago")
                    + "\nEvery 30s \u2014 updated 21:00:30\n\n" + table.formatted("12 min ago"));
        }

        @Test
        void on_a_colour_terminal_clears_the_screen_before_each_redraw() {
            fake.answers(report("ok", allOk().subList(1, 2), List.of()),
                    at(T.plusSeconds(30), allOk().subList(1, 2), List.of()));

            HostctlRun r = hostctl.terminal(null).run("status", "--watch", "--count", "2");

            assertThat(r.out()).startsWith("\u001b[H\u001b[2JEvery 30s \u2014 updated 21:00:00\n")
                    .contains("\u001b[H\u001b[2JEvery 30s \u2014 updated 21:00:30\n");
        }
    }

    @Nested
    class Arguments {
        @Test
        void interval_and_count_need_watch() {
            HostctlRun r = run("status", "--count", "2");

            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).isEqualTo("hostctl: --interval and --count go with --watch\n");
            assertThat(fake.statusCalls).isZero();
        }

        @Test
        void interval_below_two_seconds_is_a_usage_error() {
            HostctlRun r = run("status", "--watch", "--interval", "1");

            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).isEqualTo("hostctl: --interval must be at least 2 seconds\n");
        }

        @Test
        void count_zero_is_a_usage_error() {
            assertThat(run("status", "--watch", "--count", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
        }

        @Test
        void help_explains_the_states_and_the_exit_codes() {
            HostctlRun r = run("status", "--help");

            assertThat(r.out().replaceAll("\\s+", " ")).contains("STATE is ok (it works), degraded (it answers,"
                    + " but slowly or only in part), down (it does not answer) or unknown (not checked yet",
                    "Exit 0 when nothing is down, 6 when a service is down", " history ", "Examples:");
        }
    }
}
