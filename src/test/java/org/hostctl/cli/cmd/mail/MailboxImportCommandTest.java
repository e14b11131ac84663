package org.hostctl.cli.cmd.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
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

/** {@code hostctl mailbox import} in-process against a real hostd; each test imports into its own domain. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailboxImportCommandTest {
    static final String SUMMARY_TIME = " in \\d+\\.\\d s\n";

    TestHostd hostd;
    Path home;
    String token;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        Files.createDirectories(tmp.resolve("carol"));
        hostd.addAccount("carol", tmp.resolve("carol"), List.of());
        for (String d : List.of("bulk.example", "again.example", "update.example", "mixed.example", "dry.example",
                "secret.example", "stdin.example", "tty.example")) {
            hostd.hostd().mailboxes().addDomain("carol", d);
        }
        token = hostd.token("carol", false);
        home = tmp.resolve("home");
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    @TempDir
    Path dir;

    Hostctl carol;

    @BeforeEach
    void client() {
        carol = new Hostctl(home).cwd(dir).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token);
    }

    static String pw(int i) {
        return "correct horse battery staple " + i;
    }

    Path csv(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    JsonNode json(HostctlRun run) throws IOException {
        return Json.mapper().readTree(run.out());
    }

    JsonNode mailbox(String address) throws IOException {
        HostctlRun show = carol.run("mailbox", "show", address, "-o", "json");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        return json(show);
    }

    @Test
    void twenty_rows_with_bom_crlf_and_quoted_names_are_created_and_a_second_run_skips_them_all() throws IOException {
        StringBuilder b = new StringBuilder("\uFEFFaddress,password,quota,name\r\n");
        for (int i = 1; i <= 20; i++) {
            String quota = i % 2 == 0 ? "2G" : "1048576";
            String password = i <= 10 ? pw(i) : "";
            b.append("user").append(i).append("@bulk.example,").append(password).append(',').append(quota)
                    .append(",\"Doe, Jane \"\"J").append(i).append("\"\"\"\r\n");
        }
        csv("staff.csv", b.toString());

        HostctlRun run = carol.run("mailbox", "import", "staff.csv", "--passwords-out", "pw.csv");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).matches("created 20, updated 0, skipped 0, failed 0 \\(of 20 rows\\)" + SUMMARY_TIME
                + "wrote 10 generated passwords to pw\\.csv\n");
        JsonNode listed = json(carol.run("mailbox", "list", "bulk.example", "-o", "json"));
        assertThat(listed).hasSize(20);
        JsonNode user3 = mailbox("user3@bulk.example");
        assertThat(user3.get("name").asText()).isEqualTo("Doe, Jane \"J3\"");
        assertThat(user3.get("quotaBytes").asLong()).isEqualTo(1048576);
        assertThat(mailbox("user4@bulk.example").get("quotaBytes").asLong()).isEqualTo(2L << 30);

        Path pwFile = dir.resolve("pw.csv");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(pwFile);
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).isEqualTo("address,password");
        for (int i = 1; i <= 10; i++) {
            String[] cells = lines.get(i).split(",");
            assertThat(cells[0]).isEqualTo("user" + (10 + i) + "@bulk.example");
            assertThat(cells[1]).hasSize(20);
        }

        HostctlRun again = carol.run("mailbox", "import", "staff.csv", "--passwords-out", "pw2.csv", "-o", "json");

        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode results = json(again);
        assertThat(results).hasSize(20);
        assertThat(results.findValuesAsText("result")).containsOnly("skipped");
        assertThat(results.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(results.get(0).get("address").asText()).isEqualTo("user1@bulk.example");
        assertThat(again.err()).matches("created 0, updated 0, skipped 20, failed 0 \\(of 20 rows\\)" + SUMMARY_TIME);
        assertThat(Files.readAllLines(dir.resolve("pw2.csv"))).containsExactly("address,password");
    }

    @Test
    void update_brings_quota_and_name_in_line_and_without_it_existing_mailboxes_are_left_alone() throws IOException {
        csv("one.csv", "address,password,quota\nann@update.example," + pw(1) + ",1G\n");
        assertThat(carol.run("mailbox", "import", "one.csv").exitCode()).isZero();
        csv("changed.csv", "name,quota,address\nAnn Update,5G,ann@update.example\n");

        HostctlRun skipped = carol.run("mailbox", "import", "changed.csv", "--passwords-out", "a.csv", "-o", "json");
        assertThat(json(skipped).get(0).get("result").asText()).isEqualTo("skipped");
        assertThat(mailbox("ann@update.example").get("quotaBytes").asLong()).isEqualTo(1L << 30);

        HostctlRun updated = carol.run("mailbox", "import", "changed.csv", "--passwords-out", "b.csv", "--update",
                "-o", "json");

        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        JsonNode r = json(updated).get(0);
        assertThat(r.get("result").asText()).isEqualTo("updated");
        assertThat(r.get("changed").toString()).isEqualTo("[\"quota\",\"name\"]");
        assertThat(updated.err()).startsWith("created 0, updated 1, skipped 0, failed 0 (of 1 rows)");
        JsonNode ann = mailbox("ann@update.example");
        assertThat(ann.get("quotaBytes").asLong()).isEqualTo(5L << 30);
        assertThat(ann.get("name").asText()).isEqualTo("Ann Update");

        HostctlRun inLine = carol.run("mailbox", "import", "changed.csv", "--passwords-out", "c.csv", "--update",
                "-o", "json");
        assertThat(json(inLine).get(0).get("result").asText()).isEqualTo("skipped");
        assertThat(carol.run("mailbox", "import", "changed.csv", "--update-passwords").exitCode()).isEqualTo(2);
    }

    @Test
    void bad_rows_fail_with_their_line_numbers_while_the_others_are_created() throws IOException {
        csv("mixed.csv", String.join("\n",
                "address,password,name",
                "ok1@mixed.example," + pw(1) + ",\"Two",
                "lines\"",
                "not an address," + pw(2) + ",",
                "weak@mixed.example,password123,",
                "x@nowhere.example," + pw(3) + ",",
                "ok2@mixed.example," + pw(4) + ",Okay",
                "OK2@Mixed.Example," + pw(5) + ",",
                "") + "\n");

        HostctlRun table = carol.run("mailbox", "import", "mixed.csv");

        assertThat(table.exitCode()).as(table.toString()).isEqualTo(5);
        assertThat(table.out()).isEqualTo("""
                LINE  ADDRESS             ERROR
                2     ok1@mixed.example   the display name must not contain U+000A (LINE FEED (LF)) at character 4
                4     not an address      'not an address' is not an address (local@domain)
                5     weak@mixed.example  password refused: password is too common; choose a less predictable one
                6     x@nowhere.example   no domain nowhere.example
                8     ok2@mixed.example   duplicate: ok2@mixed.example is on line 7 already
                """);
        assertThat(table.err()).matches("created 1, updated 0, skipped 0, failed 5 \\(of 6 rows\\)" + SUMMARY_TIME);
        assertThat(mailbox("ok2@mixed.example").get("name").asText()).isEqualTo("Okay");
        assertThat(carol.run("mailbox", "show", "weak@mixed.example").exitCode()).isEqualTo(3);

        HostctlRun again = carol.run("mailbox", "import", "mixed.csv", "-o", "json");

        assertThat(again.exitCode()).isEqualTo(5);
        JsonNode results = json(again);
        assertThat(results.findValuesAsText("line")).containsExactly("2", "4", "5", "6", "7", "8");
        assertThat(results.findValuesAsText("result"))
                .containsExactly("failed", "failed", "failed", "failed", "skipped", "failed");
        assertThat(results.get(3).get("error").asText()).isEqualTo("no domain nowhere.example");
        assertThat(results.get(4).has("error")).isFalse();
    }

    @Test
    void an_unknown_domain_alone_exits_3_like_a_single_create() throws IOException {
        csv("nodomain.csv", "address,password\nx@nowhere.example," + pw(1) + "\n");

        HostctlRun run = carol.run("mailbox", "import", "nodomain.csv");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    }

    @Test
    void dry_run_reports_what_would_happen_and_writes_nothing() throws IOException {
        csv("first.csv", "address,password,quota\nold@dry.example," + pw(1) + ",1G\n");
        assertThat(carol.run("mailbox", "import", "first.csv").exitCode()).isZero();
        csv("dry.csv", "address,quota\nold@dry.example,3G\nnew@dry.example,\nbad@nowhere.example,\nq@dry.example,lots\n");

        HostctlRun run = carol.run("mailbox", "import", "dry.csv", "--dry-run", "--update", "--passwords-out",
                "never.csv", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        JsonNode results = json(run);
        assertThat(results.findValuesAsText("result"))
                .containsExactly("would-update", "would-create", "failed", "failed");
        assertThat(results.get(0).get("changed").toString()).isEqualTo("[\"quota\"]");
        assertThat(results.get(3).get("error").asText()).startsWith("quota: not a size: 'lots'");
        assertThat(run.err()).matches("dry run: would create 1, would update 1, would skip 0, failed 2 \\(of 4 rows\\)"
                + " in \\d+\\.\\d s; nothing was changed\n");
        assertThat(dir.resolve("never.csv")).doesNotExist();
        assertThat(mailbox("old@dry.example").get("quotaBytes").asLong()).isEqualTo(1L << 30);
        assertThat(carol.run("mailbox", "show", "new@dry.example").exitCode()).isEqualTo(3);

        HostctlRun table = carol.run("mailbox", "import", "dry.csv", "--dry-run", "--passwords-out", "never.csv");
        assertThat(table.out()).startsWith("""
                LINE  ADDRESS              RESULT        DETAIL
                2     old@dry.example      would-skip
                3     new@dry.example      would-create
                4     bad@nowhere.example  failed        no domain nowhere.example
                """);
    }

    @Test
    void rows_without_a_password_need_passwords_out_and_nothing_is_sent_without_it() throws IOException {
        csv("nopw.csv", "address,password\na@bulk.example," + pw(1) + "\nb@bulk.example,\n");
        Hostctl nowhere = new Hostctl(home).cwd(dir).env("HOSTCTL_API_URL", "http://127.0.0.1:1")
                .env("HOSTCTL_TOKEN", token);

        HostctlRun run = nowhere.run("mailbox", "import", "nopw.csv");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("hostctl: line 3 and maybe others have no password; the server generates"
                + " them and hostctl writes them only to a file: add --passwords-out FILE\n");
        assertThat(carol.run("mailbox", "import", "nopw.csv").exitCode()).isEqualTo(2);
        assertThat(carol.run("mailbox", "show", "a@bulk.example").exitCode()).isEqualTo(3);

        Files.writeString(dir.resolve("taken.csv"), "keep me\n");
        HostctlRun exists = carol.run("mailbox", "import", "nopw.csv", "--passwords-out", "taken.csv");
        assertThat(exists.exitCode()).isEqualTo(2);
        assertThat(exists.err()).startsWith("hostctl: --passwords-out: taken.csv exists;");
        assertThat(Files.readString(dir.resolve("taken.csv"))).isEqualTo("keep me\n");
    }

    @Test
    void an_unknown_column_is_a_usage_error_naming_it_before_anything_is_sent() throws IOException {
        csv("cols.csv", "address,password,Email,forward\na@bulk.example,x,y,z\n");
        Hostctl nowhere = new Hostctl(home).cwd(dir).env("HOSTCTL_API_URL", "http://127.0.0.1:1")
                .env("HOSTCTL_TOKEN", token);

        HostctlRun run = nowhere.run("mailbox", "import", "cols.csv");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("hostctl: cols.csv: unknown columns 'Email', 'forward' in the header;"
                + " the columns are address, password, quota, name\n");
        csv("noaddr.csv", "name,quota\nx,1G\n");
        assertThat(nowhere.run("mailbox", "import", "noaddr.csv").err()).contains("no 'address' column");
        csv("broken.csv", "address,name\na@bulk.example,\"unclosed\n");
        HostctlRun broken = nowhere.run("mailbox", "import", "broken.csv");
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).startsWith("hostctl: broken.csv line ").contains("not valid CSV");
        assertThat(nowhere.run("mailbox", "import", "missing.csv").err()).isEqualTo("hostctl: no such file missing.csv\n");
    }

    @Test
    void passwords_given_or_generated_never_appear_on_stdout_or_stderr_not_even_with_verbose() throws IOException {
        StringBuilder b = new StringBuilder("address,password\n");
        List<String> given = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String p = i % 2 == 0 ? "s3cret-given-password-" + i : "";
            if (!p.isEmpty()) {
                given.add(p);
            }
            b.append("p").append(i).append("@secret.example,").append(p).append('\n');
        }
        b.append("p1@secret.example,s3cret-duplicate-row\n");
        csv("secret.csv", b.toString());

        List<HostctlRun> runs = List.of(
                carol.run("mailbox", "import", "secret.csv", "--passwords-out", "s.csv", "-v"),
                carol.run("mailbox", "import", "secret.csv", "--passwords-out", "s2.csv", "--update",
                        "--update-passwords", "-o", "json", "-v"),
                carol.run("mailbox", "import", "secret.csv", "--passwords-out", "s3.csv", "--dry-run", "-o", "yaml"));

        List<String> generated = Files.readAllLines(dir.resolve("s.csv")).stream().skip(1)
                .map(l -> l.substring(l.indexOf(',') + 1)).toList();
        assertThat(generated).hasSize(3);
        for (HostctlRun run : runs) {
            String all = run.out() + run.err();
            assertThat(all).contains("p1@secret.example").doesNotContain("s3cret");
            for (String g : generated) {
                assertThat(all).doesNotContain(g);
            }
        }
        assertThat(json(runs.get(1)).get(1).get("changed").toString()).isEqualTo("[\"password\"]");
    }

    @Test
    void the_file_can_come_from_stdin() throws IOException {
        HostctlRun run = carol.runWithStdin("address,password\nin@stdin.example," + pw(1) + "\n",
                "mailbox", "import", "-", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(json(run).get(0).get("result").asText()).isEqualTo("created");
    }

    @Test
    void a_progress_bar_is_drawn_in_place_on_a_terminal_only() throws IOException {
        csv("tty.csv", "address,password\nt1@tty.example," + pw(1) + "\nt2@tty.example," + pw(2) + "\n");

        HostctlRun tty = carol.terminal("n").run("mailbox", "import", "tty.csv");
        HostctlRun piped = carol.pipe().run("mailbox", "import", "tty.csv");

        assertThat(tty.exitCode()).as(tty.toString()).isZero();
        assertThat(tty.err()).startsWith("\rimporting [").contains("] 2/2").contains("\rcreated 2,");
        assertThat(piped.err()).doesNotContain("\r").startsWith("created 0, updated 0, skipped 2,");
    }

    @Test
    void a_refused_token_stops_the_import_at_once() throws IOException {
        csv("denied.csv", "address,password\nd1@bulk.example," + pw(1) + "\nd2@bulk.example," + pw(2) + "\n");

        HostctlRun run = carol.env("HOSTCTL_TOKEN", "hctl_wrong").run("mailbox", "import", "denied.csv",
                "--parallel", "1", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        JsonNode results = json(run);
        assertThat(results.findValuesAsText("result")).containsExactly("failed", "not-attempted");
        assertThat(run.err()).contains("failed 1, not attempted 1 (of 2 rows)")
                .contains("hostctl: import stopped at line 2: ");
    }
}
