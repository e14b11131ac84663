package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostctl php check} and the check before {@code php set}, in-process against a real hostd that runs the
 * installed PHP 8.2 on the legacy guestbook of src/test/resources/php-legacy.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhpCheckAgainstHostdTest {
    TestHostd hostd;
    Path web;
    Path outside;
    String token;

    @TempDir
    Path home;

    @BeforeAll
    void startHostd(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/php8.2")), "php8.2 is not installed");
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        web = Files.createDirectories(tmp.resolve("alice"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(web.resolve("public_html"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        token = hostd.token("alice", false);
    }

    @AfterAll
    void stopHostd() {
        if (hostd != null) {
            hostd.close();
        }
    }

    private Hostctl hostctl() {
        return new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token);
    }

    private Path legacy(String dir) throws IOException {
        Path d = Files.createDirectories(web.resolve("public_html").resolve(dir));
        for (String f : List.of("guestbook.php", "helpers.php")) {
            try (InputStream in = getClass().getResourceAsStream("/php-legacy/" + f)) {
                Files.write(d.resolve(f), in.readAllBytes());
            }
        }
        return d;
    }

    @Test
    void check_lists_each_finding_with_file_line_version_and_replacement_and_exits_5() throws IOException {
        legacy("book");

        HostctlRun run = hostctl().run("php", "check", "8.2", "public_html/book");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.out()).containsPattern("public_html/book/guestbook\\.php +4 +breaks +mysql_connect +7\\.0 +"
                + "mysqli_\\* or PDO");
        assertThat(run.out()).containsPattern("public_html/book/guestbook\\.php +15 +breaks +each +8\\.0 +foreach");
        assertThat(run.out()).containsPattern("public_html/book/helpers\\.php +18 +guarded +mysql_real_escape_string");
        assertThat(run.err()).contains("2 files checked for PHP 8.2: 16 breaking, 1 warning, 1 guarded");
    }

    @Test
    void json_gives_the_whole_report_with_counts_and_sources() throws IOException {
        legacy("book-json");

        HostctlRun run = hostctl().run("php", "check", "8.2", "public_html/book-json", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        JsonNode r = Json.mapper().readTree(run.out());
        assertThat(r.get("branch").asText()).isEqualTo("8.2");
        assertThat(r.get("syntaxChecked").asBoolean()).isTrue();
        assertThat(r.get("files").asInt()).isEqualTo(2);
        assertThat(r.get("breaking").asInt()).isEqualTo(16);
        assertThat(r.get("warnings").asInt()).isEqualTo(1);
        assertThat(r.get("guarded").asInt()).isEqualTo(1);
        JsonNode first = r.get("findings").get(0);
        assertThat(first.get("file").asText()).isEqualTo("public_html/book-json/guestbook.php");
        assertThat(first.get("line").asInt()).isEqualTo(4);
        assertThat(first.get("name").asText()).isEqualTo("mysql_connect");
        assertThat(first.get("source").asText())
                .isEqualTo("https://www.php.net/manual/en/migration70.removed-exts-sapis.php (ext/mysql)");
    }

    @Test
    void a_version_that_is_not_installed_is_checked_against_the_removal_list_and_says_so() throws IOException {
        legacy("book70");

        HostctlRun run = hostctl().run("php", "check", "7.0", "public_html/book70");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.err()).contains("syntax not checked: PHP 7.0 is not installed on this node");
        assertThat(run.err()).contains("2 files checked for PHP 7.0: 9 breaking, 1 warning, 1 guarded");
        assertThat(run.out()).doesNotContain("create_function");
    }

    @Test
    void clean_code_exits_0_and_bad_input_exits_with_one_line() throws IOException {
        Path clean = Files.createDirectories(web.resolve("public_html/clean"));
        Files.writeString(clean.resolve("index.php"), "<?php\n// mysql_connect() is gone\necho 'each()';\n");

        HostctlRun ok = hostctl().run("php", "check", "8.2", "public_html/clean");
        HostctlRun badVersion = hostctl().run("php", "check", "banana", "public_html/clean");
        HostctlRun missing = hostctl().run("php", "check", "8.2", "public_html/nope");

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).isEmpty();
        assertThat(ok.err()).contains("1 file checked for PHP 8.2: 0 breaking, 0 warnings, 0 guarded");
        assertThat(badVersion.exitCode()).isEqualTo(5);
        assertThat(badVersion.err()).startsWith("hostctl: PHP banana is neither an offered version nor a PHP branch");
        assertThat(missing.exitCode()).isEqualTo(3);
    }

    @Test
    void recursive_checks_the_subtree_that_inherits_and_skips_directories_with_their_own_version()
            throws IOException {
        Path top = Files.createDirectories(web.resolve("public_html/tree"));
        Files.writeString(top.resolve("index.php"), "<?php\n$x = 1;\n");
        Path inherits = Files.createDirectories(top.resolve("old"));
        Files.writeString(inherits.resolve("a.php"), "<?php\n\nereg('a', 'b');\n");
        Path own = Files.createDirectories(top.resolve("own"));
        Files.writeString(own.resolve(".htaccess"), "AddHandler php74-cgi .php\n");
        Files.writeString(own.resolve("b.php"), "<?php\nsplit(',', 'a,b');\n");

        HostctlRun flat = hostctl().run("php", "check", "8.2", "public_html/tree");
        HostctlRun deep = hostctl().run("php", "check", "8.2", "public_html/tree", "-r", "-v");

        assertThat(flat.exitCode()).as(flat.toString()).isZero();
        assertThat(deep.exitCode()).as(deep.toString()).isEqualTo(5);
        assertThat(deep.out()).containsPattern("public_html/tree/old/a\\.php +3 +breaks +ereg");
        assertThat(deep.out()).doesNotContain("b.php");
        assertThat(deep.err()).contains("skipped public_html/tree/own: sets its own PHP version");
    }

    @Test
    void a_symbolic_link_to_a_file_outside_the_webspace_and_a_fifo_are_not_read() throws Exception {
        Path d = Files.createDirectories(web.resolve("public_html/links"));
        Path secret = Files.writeString(outside.resolve("secret.php"), "<?php mysql_connect('db', 'root', 's3cret');\n");
        Files.createSymbolicLink(d.resolve("evil.php"), secret);
        Process mkfifo = new ProcessBuilder("mkfifo", d.resolve("pipe.php").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        HostctlRun run = hostctl().run("php", "check", "8.2", "public_html/links", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode r = Json.mapper().readTree(run.out());
        assertThat(r.get("files").asInt()).isZero();
        assertThat(r.get("findings").size()).isZero();
        List<String> skipped = new ArrayList<>();
        r.get("skipped").forEach(s -> skipped.add(s.get("path").asText() + ": " + s.get("reason").asText()));
        assertThat(skipped).containsExactly("public_html/links/evil.php: a symbolic link; not followed",
                "public_html/links/pipe.php: not a regular file; not read");
    }

    @Test
    void set_refuses_a_version_that_breaks_the_code_and_changes_nothing() throws IOException {
        Path d = legacy("refused");
        byte[] htaccess = "# the customer's own\nOptions -Indexes\n".getBytes(StandardCharsets.UTF_8);
        Files.write(d.resolve(".htaccess"), htaccess);
        long modified = Files.getLastModifiedTime(d.resolve(".htaccess")).toMillis();

        HostctlRun run = hostctl().run("php", "set", "8.2", "public_html/refused");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.err()).contains("2 files checked for PHP 8.2: 16 breaking")
                .contains("--skip-check")
                .contains("public_html/refused/guestbook.php:4: mysql_connect() was removed in PHP 7.0");
        assertThat(Files.readAllBytes(d.resolve(".htaccess"))).isEqualTo(htaccess);
        assertThat(Files.getLastModifiedTime(d.resolve(".htaccess")).toMillis()).isEqualTo(modified);
        try (var files = Files.list(d)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(".htaccess", "guestbook.php", "helpers.php");
        }
    }

    @Test
    void set_dry_run_shows_the_findings_and_skip_check_switches() throws IOException {
        Path d = legacy("forced");

        HostctlRun dry = hostctl().run("php", "set", "8.2", "public_html/forced", "--dry-run");
        assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(5);
        assertThat(dry.out()).contains("would change").containsPattern("guestbook\\.php +13 +breaks +mysql_query");
        assertThat(d.resolve(".htaccess")).doesNotExist();

        HostctlRun forced = hostctl().run("php", "set", "8.2", "public_html/forced", "--skip-check");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(Files.readString(d.resolve(".htaccess"))).contains("AddHandler php82-cgi .php");

        Path clean = Files.createDirectories(web.resolve("public_html/fine"));
        Files.writeString(clean.resolve("index.php"), "<?php\necho 'hello';\n");
        HostctlRun set = hostctl().run("php", "set", "8.2", "public_html/fine");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.err()).contains("public_html/fine: 1 file checked for PHP 8.2: 0 breaking");
    }

    @Test
    void a_switch_reuses_a_finished_check_of_the_same_scope_and_no_other() throws Exception {
        Path d = Files.createDirectories(web.resolve("public_html/reuse"));
        Files.writeString(d.resolve("index.php"), "<?php\necho 'fine';\n");
        org.hostctl.support.RawApi api = new org.hostctl.support.RawApi(hostd.url());
        String id82 = finishedCheck(api, "8.2");
        String id83 = finishedCheck(api, "8.3");
        // the tree changes after the checks: only a check of the switch's own scope stands in for reading it
        Files.writeString(d.resolve("old.php"), "<?php\n$r = mysql_query('SELECT 1');\n");

        var other = api.put("/v1/php/settings?path=public_html/reuse", token,
                "{\"version\":\"8.2\",\"checkId\":\"" + id83 + "\"}");
        var reused = api.put("/v1/php/settings?path=public_html/reuse", token,
                "{\"version\":\"8.2\",\"dryRun\":true,\"checkId\":\"" + id82 + "\"}");

        assertThat(other.status()).as(other.text()).isEqualTo(422);
        assertThat(other.text()).contains("php-incompatible").contains("old.php:2");
        assertThat(reused.status()).as(reused.text()).isEqualTo(200);
        assertThat(reused.json().at("/check/files").asInt()).isEqualTo(1);
    }

    private String finishedCheck(org.hostctl.support.RawApi api, String version) throws InterruptedException {
        var started = api.send("POST", "/v1/php/checks", token,
                "{\"version\":\"" + version + "\",\"paths\":[\"public_html/reuse\"],\"recursive\":true}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String id = started.json().get("id").asText();
        for (int i = 0; i < 300; i++) {
            var job = api.get("/v1/php/checks/" + id, token);
            if (job.json().get("state").asText().equals("done")) {
                assertThat(job.json().at("/report/breaking").asInt()).isZero();
                return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the check did not finish");
    }

    @Test
    void a_progress_bar_is_drawn_on_a_terminal_and_never_into_a_pipe() throws IOException {
        legacy("bar");

        HostctlRun tty = hostctl().stderrTerminal().run("php", "check", "8.2", "public_html/bar");
        HostctlRun piped = hostctl().run("php", "check", "8.2", "public_html/bar");

        assertThat(tty.err()).contains("\r[").contains("/2 files");
        assertThat(piped.err()).doesNotContain("\r");
    }
}
