package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** hostctl in-process against a real hostd on a free port with a temporary data directory. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostctlAgainstHostdTest {
    TestHostd hostd;
    Path aliceWeb;
    Path bobWeb;
    String aliceToken;
    String aliceReadOnly;
    String bobToken;

    @BeforeAll
    void startHostd(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        aliceWeb = Files.createDirectories(tmp.resolve("alice"));
        bobWeb = Files.createDirectories(tmp.resolve("bob"));
        Files.createDirectories(aliceWeb.resolve("public_html"));
        Files.createDirectories(bobWeb.resolve("www"));
        hostd.addAccount("alice", aliceWeb, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        hostd.addAccount("bob", bobWeb, List.of(new Docroot("www", "http://127.0.0.1:9/")));
        aliceToken = hostd.token("alice", false);
        aliceReadOnly = hostd.token("alice", true);
        bobToken = hostd.token("bob", false);
    }

    @AfterAll
    void stopHostd() {
        hostd.close();
    }

    private Hostctl alice(Path home) {
        return new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", aliceToken);
    }

    private static JsonNode json(HostctlRun run) throws IOException {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private Path dir(String rel) throws IOException {
        return Files.createDirectories(aliceWeb.resolve(rel));
    }

    @Nested
    class Auth {
        @TempDir
        Path home;

        @Test
        void login_reads_the_token_from_stdin_checks_it_and_stores_it_with_mode_0600() throws IOException {
            Hostctl h = new Hostctl(home);

            HostctlRun run = h.runWithStdin(aliceToken + "\n", "auth", "login", "--api-url", hostd.url());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).contains("Logged in to " + hostd.url() + " as account alice");
            Path config = home.resolve("hostctl/config.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
            assertThat(Files.readString(config)).contains(aliceToken);

            HostctlRun status = h.run("auth", "status", "-o", "json");
            JsonNode s = json(status);
            assertThat(s.get("account").asText()).isEqualTo("alice");
            assertThat(s.get("tokenSource").asText()).isEqualTo("profile");
            assertThat(s.get("apiUrlSource").asText()).isEqualTo("profile");
            assertThat(status.out()).doesNotContain(aliceToken);

            HostctlRun table = h.run("auth", "status", "--no-headers");
            assertThat(table.out()).startsWith("default  " + hostd.url() + "  alice  tok_");
        }

        @Test
        void login_with_a_token_the_api_refuses_exits_4_and_saves_nothing() {
            HostctlRun run = new Hostctl(home).runWithStdin("hct_not-a-real-token\n", "auth", "login", "--api-url",
                    hostd.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
            assertThat(run.err()).startsWith("hostctl: the token was not accepted");
            assertThat(home.resolve("hostctl/config.json")).doesNotExist();
        }

        @Test
        void login_prompts_without_echo_on_a_terminal() {
            HostctlRun run = new Hostctl(home).terminal(aliceToken).run("auth", "login", "--api-url", hostd.url());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out() + run.err()).doesNotContain(aliceToken);
        }

        @Test
        void login_with_empty_stdin_is_a_usage_error() {
            HostctlRun run = new Hostctl(home).run("auth", "login", "--api-url", hostd.url());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).startsWith("hostctl: no token given");
        }

        @Test
        void status_without_a_token_exits_4() {
            HostctlRun run = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).run("auth", "status");

            assertThat(run.exitCode()).isEqualTo(4);
            assertThat(run.err()).startsWith("hostctl: not logged in (profile default)");
        }

        @Test
        void logout_removes_the_token_and_is_idempotent() throws IOException {
            Hostctl h = new Hostctl(home);
            h.runWithStdin(aliceToken + "\n", "auth", "login", "--api-url", hostd.url());

            assertThat(h.run("auth", "logout").exitCode()).isZero();
            assertThat(Files.readString(home.resolve("hostctl/config.json"))).doesNotContain(aliceToken);
            HostctlRun again = h.run("auth", "logout");
            assertThat(again.exitCode()).isZero();
            assertThat(again.err()).contains("nothing changed");
            assertThat(h.run("auth", "status").exitCode()).isEqualTo(4);
        }

        @Test
        void the_flag_beats_the_environment_which_beats_the_profile() throws IOException {
            Hostctl h = new Hostctl(home);
            h.runWithStdin(aliceToken + "\n", "auth", "login", "--api-url", hostd.url());
            h.env("HOSTCTL_TOKEN", bobToken);

            assertThat(json(h.run("auth", "status", "-o", "json")).get("account").asText()).isEqualTo("bob");
            h.env("HOSTCTL_API_URL", "http://127.0.0.1:1");
            assertThat(h.run("auth", "status").exitCode()).isEqualTo(6);
            assertThat(json(h.run("auth", "status", "-o", "json", "--api-url", hostd.url())).get("apiUrlSource")
                    .asText()).isEqualTo("flag");
        }

        @Test
        void the_verbose_trace_goes_to_stderr_without_the_token() {
            HostctlRun run = alice(home).run("php", "versions", "-v");

            assertThat(run.exitCode()).isZero();
            assertThat(run.err()).contains("> GET " + hostd.url() + "/v1/php/versions")
                    .contains("Authorization: Bearer <redacted>").doesNotContain(aliceToken);
            assertThat(run.out()).doesNotContain("> GET");
        }
    }

    @Nested
    class Php {
        @TempDir
        Path home;

        Hostctl h;

        @BeforeEach
        void client() {
            h = alice(home);
        }

        @Test
        void versions_lists_each_offered_version_with_its_end_of_life() throws IOException {
            HostctlRun table = h.run("php", "versions");
            assertThat(table.out().lines().toList()).containsExactly(
                    "VERSION  BRANCH  TYPE  DEFAULT  STATE      END OF LIFE  SECURITY UNTIL  HANDLER",
                    "5.6      5.6     cgi            installed  yes          2018-12-31      php56-cgi",
                    "7.4      7.4     cgi            installed  yes          2022-11-28      php74-cgi",
                    "8.2      8.2     cgi   yes      installed  no           2026-12-31      php82-cgi",
                    "8.3      8.3     cgi            installed  no           2027-12-31      php83-cgi",
                    "8.2-fpm  8.2     fpm            installed  no           2026-12-31      "
                            + "proxy:unix:" + Fixtures.FPM_SOCKETS + "/fpm-alice.sock|fcgi://localhost");

            JsonNode json = json(h.run("php", "versions", "-o", "json"));
            assertThat(json.isArray()).isTrue();
            assertThat(json.get(0).get("version").asText()).isEqualTo("5.6");
            assertThat(json.get(0).get("endOfLife").asBoolean()).isTrue();
            assertThat(json.get(0).get("finalRelease").asText()).isEqualTo("5.6.40");
            assertThat(json.get(2).get("isDefault").asBoolean()).isTrue();
        }

        @Test
        void show_without_a_path_shows_each_document_root() throws IOException {
            JsonNode json = json(h.run("php", "show", "-o", "json"));

            assertThat(json).hasSize(1);
            assertThat(json.get(0).get("path").asText()).isEqualTo("public_html");
            assertThat(json.get(0).get("version").asText()).isEqualTo("8.2");
            assertThat(json.get(0).get("source").asText()).isEqualTo("default");
            assertThat(json.get(0).get("endOfLife").asBoolean()).isFalse();
            assertThat(json.get(0).get("securitySupportUntil").asText()).isEqualTo("2026-12-31");
        }

        @Test
        void set_refuses_an_end_of_life_version_unless_allowed_then_warns() throws IOException {
            Path legacy = dir("public_html/legacy");
            dir("public_html/legacy/deeper");

            HostctlRun refused = h.run("php", "set", "7.4", "public_html/legacy");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
            assertThat(refused.err()).startsWith("hostctl: PHP 7.4 reached end of life on 2022-11-28")
                    .contains("hint: add --allow-eol");
            assertThat(legacy.resolve(".htaccess")).doesNotExist();

            HostctlRun set = h.run("php", "set", "7.4", "public_html/legacy", "--allow-eol");
            assertThat(set.exitCode()).as(set.toString()).isZero();
            assertThat(set.err()).contains("warning: public_html/legacy: PHP 7.4 reached end of life on 2022-11-28");
            assertThat(set.out().lines().toList()).containsExactly(
                    "PATH                BEFORE  AFTER  SOURCE          RESULT",
                    "public_html/legacy  8.2     7.4    this directory  changed");
            assertThat(Files.readString(legacy.resolve(".htaccess"))).isEqualTo(
                    "# php -- BEGIN hostd-generated handler, do not edit\n"
                            + "AddHandler php74-cgi .php\n"
                            + "# php -- END hostd-generated handler, do not edit\n");

            JsonNode shown = json(h.run("php", "show", "public_html/legacy/deeper", "public_html", "-o", "json"));
            assertThat(shown.get(0).get("version").asText()).isEqualTo("7.4");
            assertThat(shown.get(0).get("source").asText()).isEqualTo("inherited");
            assertThat(shown.get(0).get("inheritedFrom").asText()).isEqualTo("public_html/legacy");
            assertThat(shown.get(0).get("endOfLife").asBoolean()).isTrue();
            assertThat(shown.get(1).get("version").asText()).isEqualTo("8.2");
            assertThat(shown.get(1).get("source").asText()).isEqualTo("default");

            HostctlRun again = h.run("php", "set", "7.4", "public_html/legacy", "--allow-eol", "-o", "json");
            assertThat(json(again).get(0).get("changed").asBoolean()).isFalse();

            HostctlRun unset = h.run("php", "unset", "public_html/legacy");
            assertThat(unset.exitCode()).isZero();
            assertThat(unset.out()).contains("changed");
            assertThat(legacy.resolve(".htaccess")).doesNotExist();
            assertThat(json(h.run("php", "show", "public_html/legacy/deeper", "-o", "json")).get(0).get("source")
                    .asText()).isEqualTo("default");
            assertThat(json(h.run("php", "unset", "public_html/legacy", "-o", "json")).get(0).get("changed")
                    .asBoolean()).isFalse();
        }

        @Test
        void set_keeps_every_foreign_byte_of_a_crlf_file_and_unset_restores_it_exactly() throws IOException {
            Path shop = dir("public_html/shop");
            byte[] original = "\uFEFFRewriteEngine On\r\nRewriteRule ^a$ /b [L]\r\n# no final newline"
                    .getBytes(StandardCharsets.UTF_8);
            Files.write(shop.resolve(".htaccess"), original);
            Files.setPosixFilePermissions(shop.resolve(".htaccess"), PosixFilePermissions.fromString("rw-r-----"));

            assertThat(h.run("php", "set", "8.3", "public_html/shop").exitCode()).isZero();
            String written = Files.readString(shop.resolve(".htaccess"));
            assertThat(written).startsWith("\uFEFF# php -- BEGIN hostd-generated handler, do not edit\r\n"
                    + "AddHandler php83-cgi .php\r\n");
            assertThat(written).endsWith("RewriteEngine On\r\nRewriteRule ^a$ /b [L]\r\n# no final newline");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shop.resolve(".htaccess"))))
                    .isEqualTo("rw-r-----");

            assertThat(h.run("php", "unset", "public_html/shop").exitCode()).isZero();
            assertThat(Files.readAllBytes(shop.resolve(".htaccess"))).isEqualTo(original);
        }

        @Test
        void dry_run_reports_the_change_and_writes_nothing() throws IOException {
            Path blog = dir("public_html/blog");

            JsonNode change = json(h.run("php", "set", "8.3", "public_html/blog", "--dry-run", "-o", "json"));

            assertThat(change.get(0).get("changed").asBoolean()).isTrue();
            assertThat(change.get(0).get("dryRun").asBoolean()).isTrue();
            assertThat(change.get(0).get("after").get("version").asText()).isEqualTo("8.3");
            assertThat(blog.resolve(".htaccess")).doesNotExist();
        }

        @Test
        void a_foreign_handler_line_that_would_win_makes_set_a_conflict() throws IOException {
            Path forum = dir("public_html/forum");
            String own = "<FilesMatch \"\\.php$\">\n  SetHandler php56-cgi\n</FilesMatch>\n";
            Files.writeString(forum.resolve(".htaccess"), own);

            HostctlRun run = h.run("php", "set", "8.3", "public_html/forum");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.err()).contains("outside hostd's block");
            assertThat(Files.readString(forum.resolve(".htaccess"))).isEqualTo(own);
            JsonNode shown = json(h.run("php", "show", "public_html/forum", "-o", "json"));
            assertThat(shown.get(0).get("version").asText()).isEqualTo("5.6");
            assertThat(shown.get(0).get("managed").asBoolean()).isFalse();
            assertThat(shown.get(0).get("line").asInt()).isEqualTo(2);
        }

        @Test
        void an_unknown_handler_is_reported_as_a_problem() throws IOException {
            Path typo = dir("public_html/typo");
            Files.writeString(typo.resolve(".htaccess"), "AddHandler php-82-cgi .php\n");

            JsonNode shown = json(h.run("php", "show", "public_html/typo", "-o", "json"));

            assertThat(shown.get(0).has("version")).isFalse();
            assertThat(shown.get(0).get("handler").asText()).isEqualTo("php-82-cgi");
            assertThat(shown.get(0).get("problems").get(0).asText()).contains("php-82-cgi")
                    .contains("PHP source");
        }

        @Test
        void recursive_show_audits_every_directory_with_its_own_setting() throws IOException {
            dir("public_html/audit/a/b");
            dir("public_html/audit/c");
            assertThat(h.run("php", "set", "5.6", "public_html/audit/a", "--allow-eol").exitCode()).isZero();
            assertThat(h.run("php", "set", "8.3", "public_html/audit/a/b").exitCode()).isZero();

            JsonNode audit = json(h.run("php", "show", "public_html/audit", "-r", "-o", "json"));

            assertThat(audit.findValuesAsText("path")).containsExactly("public_html/audit", "public_html/audit/a",
                    "public_html/audit/a/b");
            assertThat(audit.get(1).get("endOfLife").asBoolean()).isTrue();
            assertThat(audit.get(2).get("endOfLife").asBoolean()).isFalse();

            HostctlRun jq = h.run("php", "show", "public_html/audit", "-r", "--jq",
                    ".[] | select(.endOfLife) | .path");
            assertThat(jq.out()).isEqualTo("public_html/audit/a\n");
        }

        @Test
        void csv_and_yaml_render_the_same_data() throws IOException {
            dir("public_html/fmt");
            HostctlRun csv = h.run("php", "show", "public_html/fmt", "-o", "csv");
            assertThat(csv.out()).isEqualTo("PATH,VERSION,SOURCE,END OF LIFE,SECURITY UNTIL,PROBLEMS\n"
                    + "public_html/fmt,8.2,account default,no,2026-12-31,\n");
            HostctlRun noHeaders = h.run("php", "show", "public_html/fmt", "-o", "csv", "--no-headers");
            assertThat(noHeaders.out()).isEqualTo("public_html/fmt,8.2,account default,no,2026-12-31,\n");
            HostctlRun yaml = h.run("php", "show", "public_html/fmt", "-o", "yaml");
            assertThat(yaml.out()).startsWith("- path: public_html/fmt\n").contains("  source: default\n");
        }

        @Test
        void several_paths_are_set_one_by_one_and_a_failure_sets_the_exit_code() throws IOException {
            dir("public_html/m1");
            dir("public_html/m2");

            HostctlRun run = h.run("php", "set", "8.3", "public_html/m1", "public_html/missing", "public_html/m2");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).isEqualTo("hostctl: public_html/missing: no directory public_html/missing\n");
            assertThat(run.out()).contains("public_html/m1").contains("public_html/m2");
            assertThat(aliceWeb.resolve("public_html/m2/.htaccess")).exists();
        }

        @Test
        void local_paths_are_mapped_into_the_webspace() throws IOException {
            Path local = dir("public_html/local/sub");

            JsonNode shown = json(h.cwd(local).run("php", "show", ".", "..", aliceWeb.resolve("public_html")
                    .toString(), "-o", "json"));

            assertThat(shown.findValuesAsText("path")).containsExactly("public_html/local/sub", "public_html/local",
                    "public_html");
            HostctlRun outside = h.cwd(local).run("php", "show", "/etc");
            assertThat(outside.exitCode()).isEqualTo(2);
            assertThat(outside.err()).startsWith("hostctl: /etc is outside your webspace");
        }

        @Test
        void each_error_has_one_line_and_its_exit_code() throws IOException {
            HostctlRun missing = h.run("php", "show", "public_html/nope");
            assertThat(missing.exitCode()).isEqualTo(3);
            assertThat(missing.err()).isEqualTo("hostctl: no directory public_html/nope\n");

            HostctlRun traversal = h.run("php", "set", "8.3", "public_html/../../bob/www");
            assertThat(traversal.exitCode()).isEqualTo(5);
            assertThat(traversal.err()).startsWith("hostctl: path 'public_html/../../bob/www' is refused");

            HostctlRun notDocroot = h.run("php", "show", "");
            assertThat(notDocroot.exitCode()).isEqualTo(5);
            assertThat(notDocroot.err()).contains("is not inside a document root (public_html)");

            HostctlRun unknown = h.run("php", "set", "9.9", "public_html");
            assertThat(unknown.exitCode()).isEqualTo(5);
            assertThat(unknown.err()).startsWith("hostctl: PHP 9.9 is not offered here");

            HostctlRun usage = h.run("php", "set", "8.3");
            assertThat(usage.exitCode()).isEqualTo(2);
            assertThat(usage.err()).startsWith("hostctl: Missing required parameter: 'PATH'");

            HostctlRun badOption = h.run("php", "show", "--bogus");
            assertThat(badOption.exitCode()).isEqualTo(2);

            HostctlRun readOnly = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url())
                    .env("HOSTCTL_TOKEN", aliceReadOnly).run("php", "set", "8.3", "public_html");
            assertThat(readOnly.exitCode()).isEqualTo(4);
            assertThat(readOnly.err()).startsWith("hostctl: this token is read-only");
            assertThat(aliceWeb.resolve("public_html/.htaccess")).doesNotExist();

            HostctlRun badToken = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url())
                    .env("HOSTCTL_TOKEN", "hct_wrong").run("php", "versions");
            assertThat(badToken.exitCode()).isEqualTo(4);
            assertThat(badToken.err()).contains("hint: log in again");

            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            HostctlRun down = h.run("php", "versions", "--api-url", "http://127.0.0.1:" + closed);
            assertThat(down.exitCode()).isEqualTo(6);
            assertThat(down.err()).startsWith("hostctl: cannot reach http://127.0.0.1:" + closed
                    + ": connection refused\n");
        }

        @Test
        void verify_reports_an_unreachable_site_with_exit_6_and_removes_the_probe() throws IOException {
            Path v = dir("public_html/verify");

            HostctlRun run = h.run("php", "verify", "public_html/verify", "-o", "json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            JsonNode out = Json.mapper().readTree(run.out());
            assertThat(out.get("httpStatus").asInt()).isZero();
            assertThat(out.get("matches").asBoolean()).isFalse();
            assertThat(out.get("url").asText()).matches("http://127\\.0\\.0\\.1:9/verify/hostd-probe-[0-9a-f]{32}\\.php");
            try (var files = Files.list(v)) {
                assertThat(files).isEmpty();
            }
        }

        @Test
        void another_accounts_token_sees_only_its_own_webspace() throws IOException {
            dir("public_html/private");
            Hostctl bob = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", bobToken);

            HostctlRun run = bob.run("php", "show", "public_html/private");

            assertThat(run.exitCode()).isEqualTo(5);
            assertThat(run.err()).contains("not inside a document root (www)");
            assertThat(json(bob.run("php", "show", "-o", "json")).get(0).get("path").asText()).isEqualTo("www");
        }
    }

    @Nested
    class Api {
        @TempDir
        Path home;

        @Test
        void api_makes_a_raw_authenticated_call() throws IOException {
            JsonNode me = json(alice(home).run("api", "GET", "/v1/me"));
            assertThat(me.get("account").asText()).isEqualTo("alice");
            assertThat(me.get("webspace").asText()).isEqualTo(aliceWeb.toString());

            HostctlRun jq = alice(home).run("api", "GET", "/v1/me", "--jq", ".docroots[0].path");
            assertThat(jq.out()).isEqualTo("public_html\n");
        }

        @Test
        void api_sends_a_body_from_stdin() throws IOException {
            dir("public_html/raw");
            HostctlRun run = alice(home).runWithStdin("{\"version\":\"8.3\"}", "api", "PUT",
                    "/v1/php/settings?path=public_html/raw", "--input", "-");

            assertThat(json(run).get("after").get("version").asText()).isEqualTo("8.3");
        }

        @Test
        void api_prints_the_problem_and_exits_by_status() throws IOException {
            HostctlRun run = alice(home).run("api", "GET", "/v1/nope");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(Json.mapper().readTree(run.out()).get("type").asText()).isEqualTo(
                    "urn:hostctl:problem:not-found");
            assertThat(run.err()).isEqualTo("hostctl: no such API path: /v1/nope\n");
        }
    }

    @Nested
    class Completion {
        @TempDir
        Path home;

        @Test
        void bash_and_zsh_scripts_cover_the_command_tree() {
            HostctlRun bash = new Hostctl(home).run("completion", "bash");
            assertThat(bash.exitCode()).isZero();
            assertThat(bash.out()).contains("php").contains("verify").contains("--allow-eol");
            HostctlRun zsh = new Hostctl(home).run("completion", "zsh");
            assertThat(zsh.out()).startsWith("# zsh completion for hostctl").contains("bashcompinit && bashcompinit")
                    .doesNotStartWith("#compdef");
        }

        @Test
        void help_lists_examples_and_exit_codes() {
            HostctlRun help = new Hostctl(home).run("php", "set", "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Examples:").contains("hostctl php set 8.3 public_html");
            HostctlRun root = new Hostctl(home).run("--help");
            assertThat(root.out()).contains("Exit codes:").contains("6   Unavailable");
        }
    }
}
