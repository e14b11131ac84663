package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostctl shell} reading a script, in-process against a real hostd. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellAgainstHostdTest {
    static final int FAILING = 25;

    TestHostd hostd;
    Path web;
    String token;
    @TempDir
    Path home;

    @BeforeAll
    void startHostd(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        web = Files.createDirectories(tmp.resolve("alice"));
        Files.createDirectories(web.resolve("public_html"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        token = hostd.token("alice", false);
    }

    @AfterAll
    void stopHostd() {
        hostd.close();
    }

    @BeforeEach
    void freshDirs() throws IOException {
        for (int i = 1; i <= 50; i++) {
            Path d = web.resolve("public_html/d" + i);
            Files.deleteIfExists(d.resolve(".htaccess"));
            Files.createDirectories(d);
        }
    }

    private Hostctl alice() {
        return new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token);
    }

    /** 50 lines: a comment, a blank line, and 'php set' commands; line 25 names a directory that does not exist. */
    private static String script() {
        List<String> lines = new ArrayList<>();
        lines.add("# set PHP 8.3 everywhere");
        lines.add("");
        for (int i = 3; i <= 50; i++) {
            lines.add(i == FAILING ? "php set 8.3 public_html/no-such-dir   # a typo" : "php set 8.3 'public_html/d" + i + "'");
        }
        return String.join("\n", lines) + "\n";
    }

    private boolean isSet(int i) {
        return Files.exists(web.resolve("public_html/d" + i + "/.htaccess"));
    }

    @Test
    void a_script_stops_at_its_first_failure_with_that_exit_code_and_line_number() {
        int oneShot = alice().run("php", "set", "8.3", "public_html/no-such-dir").exitCode();
        assertThat(oneShot).isEqualTo(3);

        HostctlRun run = alice().runWithStdin(script(), "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(oneShot);
        assertThat(run.err()).contains("hostctl: line 25: exit 3: php set 8.3 public_html/no-such-dir");
        assertThat(run.err()).contains("--keep-going");
        for (int i = 3; i < FAILING; i++) {
            assertThat(isSet(i)).as("line %d ran", i).isTrue();
        }
        for (int i = FAILING + 1; i <= 50; i++) {
            assertThat(isSet(i)).as("line %d did not run", i).isFalse();
        }
    }

    @Test
    void keep_going_runs_every_line_and_reports_each_failure() {
        HostctlRun run = alice().runWithStdin(script(), "shell", "--keep-going");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        for (int i = 3; i <= 50; i++) {
            assertThat(isSet(i)).as("line %d ran", i).isEqualTo(i != FAILING);
        }
        assertThat(run.err()).contains("hostctl: line 25: exit 3: php set 8.3 public_html/no-such-dir")
                .contains("hostctl: 1 of 48 commands failed (lines 25); exit 3 from line 25");
    }

    @Test
    void jsonl_prints_one_object_per_command_with_its_line_exit_code_and_parsed_result() throws IOException {
        String script = "php show public_html -o json\n\n# comment\nphp show public_html/nope -o json\nphp versions\n";

        HostctlRun run = alice().runWithStdin(script, "shell", "--jsonl", "--keep-going");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(3);
        JsonNode first = Json.mapper().readTree(lines[0]);
        assertThat(first.get("line").asInt()).isEqualTo(1);
        assertThat(first.get("command").asText()).isEqualTo("php show public_html -o json");
        assertThat(first.get("exit").asInt()).isZero();
        assertThat(first.get("result").isArray()).isTrue();
        assertThat(first.get("result").get(0).get("path").asText()).isEqualTo("public_html");
        assertThat(first.get("stderr").isNull()).isTrue();
        JsonNode second = Json.mapper().readTree(lines[1]);
        assertThat(second.get("line").asInt()).isEqualTo(4);
        assertThat(second.get("exit").asInt()).isEqualTo(3);
        assertThat(second.get("result").isNull()).isTrue();
        assertThat(second.get("stderr").asText()).startsWith("hostctl: ");
        JsonNode third = Json.mapper().readTree(lines[2]);
        assertThat(third.get("line").asInt()).isEqualTo(5);
        assertThat(third.get("result").isTextual()).isTrue();
        assertThat(third.get("result").asText()).contains("8.3");
    }

    @Test
    void global_options_given_to_the_shell_apply_to_every_line_and_a_line_may_override_them() throws IOException {
        HostctlRun run = alice().runWithStdin("php versions\nphp versions -o csv\nphp versions\n", "-o", "json",
                "shell");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String oneShotJson = alice().run("php", "versions", "-o", "json").out();
        String oneShotCsv = alice().run("php", "versions", "-o", "csv").out();
        assertThat(run.out()).isEqualTo(oneShotJson + oneShotCsv + oneShotJson);
    }

    @Test
    void options_of_one_line_do_not_leak_into_the_next() {
        HostctlRun run = alice().runWithStdin("php versions -o json --no-headers\nphp versions\n", "shell");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String oneShotJson = alice().run("php", "versions", "-o", "json").out();
        String oneShotTable = alice().run("php", "versions").out();
        assertThat(run.out()).isEqualTo(oneShotJson + oneShotTable);
    }

    @Test
    void a_usage_error_gives_the_same_message_and_code_as_a_one_shot_command() {
        HostctlRun oneShot = alice().run("php", "show", "--no-such-option");

        HostctlRun run = alice().runWithStdin("php show --no-such-option\n", "shell");

        assertThat(run.exitCode()).isEqualTo(2).isEqualTo(oneShot.exitCode());
        assertThat(run.err()).startsWith(oneShot.err());
        assertThat(run.err()).contains("hostctl: line 1: exit 2");
    }

    @Test
    void quoting_works_like_sh_and_an_open_quote_is_a_usage_error_on_its_line() {
        HostctlRun run = alice().runWithStdin("php set 8.3 \"public_html/d7\" 'public_html/d8' public_html/d\\9\n"
                + "php show 'public_html\n", "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(isSet(7) && isSet(8) && isSet(9)).isTrue();
        assertThat(run.err()).contains("hostctl: unterminated ' quote").contains("line 2: exit 2");
    }

    @Test
    void password_stdin_is_refused_and_says_what_works() {
        HostctlRun run = alice().runWithStdin("mailbox create info@example.com --password-stdin\nphp versions\n",
                "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--password-stdin does not work inside hostctl shell")
                .contains("--password-file FILE or --generate").contains("line 1: exit 2");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void a_command_reading_stdin_is_refused() {
        HostctlRun run = alice().runWithStdin("api PUT /v1/php/settings --input -\n", "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("stdin is hostctl shell's own input");
    }

    @Test
    void the_shell_does_not_run_inside_itself() {
        HostctlRun run = alice().runWithStdin("shell\n", "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("hostctl shell does not run inside hostctl shell");
    }

    @Test
    void exit_stops_the_script_with_its_status() {
        HostctlRun run = alice().runWithStdin("php set 8.3 public_html/d3\nexit 4\nphp set 8.3 public_html/d4\n",
                "shell");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(isSet(3)).isTrue();
        assertThat(isSet(4)).isFalse();
    }

    @Test
    void a_script_file_is_read_like_stdin() throws IOException {
        Path jobs = home.resolve("jobs.txt");
        Files.writeString(jobs, script());

        HostctlRun run = alice().run("shell", "--keep-going", jobs.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(isSet(50)).isTrue();
        assertThat(alice().run("shell", home.resolve("missing.txt").toString()).exitCode()).isEqualTo(3);
    }
}
