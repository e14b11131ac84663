package org.hostctl.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.hostctl.api.Json;
import org.hostctl.server.php.HostPhp;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HostdCommandTest {
    @TempDir
    Path tmp;

    Path data;
    Path web;

    @BeforeEach
    void dirs() throws IOException {
        data = tmp.resolve("data");
        web = Files.createDirectories(tmp.resolve("web/alice"));
    }

    private HostctlRun hostd(String... args) {
        return org.hostctl.support.HostdAdmin.run(data, args);
    }

    @Test
    void every_subcommand_takes_help_and_prints_its_usage_on_stdout() {
        HostctlRun notice = hostd("notice", "add", "--help");
        assertThat(notice.exitCode()).as(notice.toString()).isZero();
        assertThat(notice.out()).startsWith("Usage: hostd notice add ").contains("--title=", "-h, --help", "Examples:");
        assertThat(notice.err()).isEmpty();

        HostctlRun account = hostd("account", "add", "-h");
        assertThat(account.exitCode()).as(account.toString()).isZero();
        assertThat(account.out()).startsWith("Usage: hostd account add ").contains("--webspace=", "Examples:");
        assertThat(account.err()).isEmpty();

        HostctlRun accountLong = hostd("account", "add", "--help");
        assertThat(accountLong.exitCode()).as(accountLong.toString()).isZero();
        assertThat(accountLong.out()).isEqualTo(account.out());
    }

    @Test
    void the_first_use_creates_the_data_directory_with_a_commented_config_and_the_sqlite_store() throws IOException {
        HostctlRun run = hostd("account", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEmpty();
        String yaml = Files.readString(data.resolve("hostd.yaml"));
        assertThat(yaml).startsWith("# hostd configuration").contains("php:").doesNotContain("@PHP_");
        // the catalogue is what this host has: never a handler it lacks
        for (HostPhp.Found found : HostPhp.system().scan()) {
            assertThat(yaml).contains("- version: \"" + found.version() + "\"");
        }
        assertThat(yaml).doesNotContain("handler: php56-cgi");
        assertThat(data.resolve("hostd.db")).exists();
    }

    @Test
    void account_add_prints_the_account_as_json_and_token_add_prints_the_token_once() throws IOException {
        HostctlRun add = hostd("account", "add", "alice", "--webspace", web.toString(), "--docroot",
                "public_html=https://alice.example", "-o", "json");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        JsonNode a = Json.mapper().readTree(add.out());
        assertThat(a.get("name").asText()).isEqualTo("alice");
        assertThat(a.get("docroots").get(0).get("url").asText()).isEqualTo("https://alice.example/");

        HostctlRun token = hostd("token", "add", "alice", "--read-only");
        assertThat(token.exitCode()).isZero();
        assertThat(token.out()).matches("hct_[A-Za-z0-9_-]{43}\n");
        assertThat(token.err()).contains("read-only token tok_");
        String secret = token.out().strip();

        HostctlRun list = hostd("token", "list", "alice", "-o", "json");
        JsonNode tokens = Json.mapper().readTree(list.out());
        assertThat(tokens).hasSize(1);
        assertThat(tokens.get(0).get("readOnly").asBoolean()).isTrue();
        assertThat(list.out()).doesNotContain(secret).doesNotContain(secret.substring(4, 20));
        assertThat(Files.readAllBytes(data.resolve("hostd.db"))).asString().doesNotContain(secret);

        HostctlRun revoke = hostd("token", "revoke", tokens.get(0).get("id").asText());
        assertThat(revoke.exitCode()).isZero();
        assertThat(hostd("token", "list", "alice").out()).isEmpty();
    }

    @Test
    void token_add_sets_an_expiry_that_token_list_shows_and_the_default_comes_from_hostd_yaml() throws IOException {
        assertThat(hostd("account", "add", "alice", "--webspace", web.toString()).exitCode()).isZero();
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        HostctlRun days = hostd("token", "add", "alice", "--expires", "90d", "-o", "json");
        HostctlRun date = hostd("token", "add", "alice", "--expires", "2099-03-01", "--description", "dated");
        HostctlRun never = hostd("token", "add", "alice", "--expires", "never");
        HostctlRun byDefault = hostd("token", "add", "alice");

        assertThat(days.exitCode()).as(days.toString()).isZero();
        Instant in90 = Instant.parse(Json.mapper().readTree(days.out()).get("expiresAt").asText());
        assertThat(in90).isBetween(before.plus(Duration.ofDays(90)), Instant.now().plus(Duration.ofDays(90)));
        assertThat(date.err()).contains("valid until 2099-03-01T00:00:00Z; it is shown only now");
        assertThat(never.err()).contains("never expiring");
        assertThat(byDefault.err()).as("365 days unless hostd.yaml says otherwise").contains("valid until "
                + before.plus(Duration.ofDays(365)).toString().substring(0, 10));

        JsonNode listed = Json.mapper().readTree(hostd("token", "list", "alice", "-o", "json").out());
        assertThat(listed).hasSize(4);
        assertThat(listed.findValuesAsText("expiresAt")).hasSize(3).contains(in90.toString(), "2099-03-01T00:00:00Z");
        assertThat(listed.findValuesAsText("expired")).containsOnly("false");
        HostctlRun table = hostd("token", "list", "alice");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("CREATED").contains("EXPIRES");
        assertThat(table.out()).contains("2099-03-01T00:00:00Z").contains("never");

        Files.writeString(data.resolve("hostd.yaml"), "auth:\n  tokenExpiry: 12h\n");
        HostctlRun configured = hostd("token", "add", "alice", "-o", "json");
        Instant in12h = Instant.parse(Json.mapper().readTree(configured.out()).get("expiresAt").asText());
        assertThat(in12h).isBetween(before.plus(Duration.ofHours(12)), Instant.now().plus(Duration.ofHours(12)));
    }

    @Test
    void a_bad_expiry_is_a_usage_error_and_a_past_one_is_refused_and_nothing_is_issued() {
        assertThat(hostd("account", "add", "alice", "--webspace", web.toString()).exitCode()).isZero();

        HostctlRun garbage = hostd("token", "add", "alice", "--expires", "soon");
        assertThat(garbage.exitCode()).isEqualTo(2);
        assertThat(garbage.out()).isEmpty();
        assertThat(garbage.err()).startsWith("Invalid value for option '--expires': 'soon' is not an expiry; use a"
                + " number of days or hours (90d, 12h)");
        HostctlRun past = hostd("token", "add", "alice", "--expires", "2020-01-01");
        assertThat(past.exitCode()).isEqualTo(5);
        assertThat(past.out()).isEmpty();
        assertThat(past.err()).isEqualTo("hostd: the expiry 2020-01-01T00:00:00Z is not in the future\n");

        assertThat(hostd("token", "list", "alice").out()).isEmpty();
    }

    @Test
    void bad_input_is_one_line_with_exit_5_and_nothing_is_stored() {
        HostctlRun relative = hostd("account", "add", "alice", "--webspace", "relative/dir");
        assertThat(relative.exitCode()).isEqualTo(5);
        assertThat(relative.err()).isEqualTo("hostd: --webspace must be an absolute path: relative/dir\n");

        HostctlRun badName = hostd("account", "add", "Alice/..", "--webspace", web.toString());
        assertThat(badName.exitCode()).isEqualTo(5);

        HostctlRun badRoot = hostd("account", "add", "alice", "--webspace", web.toString(), "--docroot",
                "../x=http://a/");
        assertThat(badRoot.exitCode()).isEqualTo(5);
        assertThat(badRoot.err()).startsWith("hostd: document root ../x:");

        assertThat(hostd("account", "list", "-o", "json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void a_duplicate_account_is_refused_and_unknown_ones_are_not_found() {
        assertThat(hostd("account", "add", "alice", "--webspace", web.toString()).exitCode()).isZero();

        HostctlRun again = hostd("account", "add", "alice", "--webspace", web.toString());
        assertThat(again.exitCode()).isEqualTo(5);
        assertThat(again.err()).contains("alice").contains("already exists");

        assertThat(hostd("account", "show", "bob").exitCode()).isEqualTo(3);
        assertThat(hostd("token", "add", "bob").exitCode()).isEqualTo(3);
        assertThat(hostd("token", "revoke", "tok_nothere").exitCode()).isEqualTo(3);
    }

    @Test
    void serve_refuses_to_start_naming_a_version_whose_handler_program_is_missing() throws IOException {
        org.hostctl.support.TestHostd.dataDir(data);
        Files.writeString(data.resolve("hostd.yaml"), "php:\n  versions:\n"
                + "    - {version: \"8.2\", type: cgi, handler: php82-cgi, binary: /bin/sh}\n"
                + "    - {version: \"8.3\", type: cgi, handler: php83-cgi, binary: /nonexistent/php-cgi8.3}\n");

        HostctlRun run = hostd("serve", "--listen", "127.0.0.1:0", "--socket", "off");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.err().strip()).isEqualTo("hostd: php.versions: version 8.3: the program /nonexistent/php-cgi8.3"
                + " of handler php83-cgi is missing; install it, correct the entry, or mark it 'available: false'");
    }

    @Test
    void a_broken_config_names_the_file_and_the_key() throws IOException {
        org.hostctl.support.TestHostd.dataDir(data);
        Files.writeString(data.resolve("hostd.yaml"), "php:\n  versions:\n    - {version: \"8.2\", type: cgi, handler: php82-cgi}\n  defualt: \"8.2\"\n");

        HostctlRun run = hostd("account", "list");

        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).contains("hostd.yaml").contains("defualt");
    }

    @Test
    void a_unix_user_is_mapped_on_add_changed_by_update_and_never_to_two_accounts_or_root() throws IOException {
        HostctlRun add = hostd("account", "add", "shop", "--webspace", web.toString(), "--unix-user", "shop", "-o",
                "json");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        JsonNode a = Json.mapper().readTree(add.out());
        assertThat(a.get("unixUser").asText()).isEqualTo("shop");
        assertThat(a.get("socketAccess").asText()).isEqualTo("read-write");

        HostctlRun twice = hostd("account", "add", "other", "--webspace", web.toString(), "--unix-user", "shop");
        assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(5);
        assertThat(twice.err()).isEqualTo("hostd: Unix user shop is already mapped to account shop\n");
        HostctlRun root = hostd("account", "add", "other", "--webspace", web.toString(), "--unix-user", "root");
        assertThat(root.exitCode()).isEqualTo(5);
        assertThat(root.err()).isEqualTo("hostd: root cannot be mapped to an account\n");
        assertThat(hostd("account", "show", "other").exitCode()).as("nothing was added").isEqualTo(3);

        assertThat(hostd("account", "add", "other", "--webspace", web.toString()).exitCode()).isZero();
        assertThat(hostd("account", "update", "other", "--unix-user", "shop").exitCode()).isEqualTo(5);
        HostctlRun ro = hostd("account", "update", "shop", "--socket-access", "read-only");
        assertThat(ro.exitCode()).as(ro.toString()).isZero();
        assertThat(hostd("account", "list").out()).containsPattern("shop .* shop \\(read-only\\)\n");
        HostctlRun moved = hostd("account", "update", "shop", "--unix-user", "shop2");
        assertThat(moved.exitCode()).as(moved.toString()).isZero();
        JsonNode shown = Json.mapper().readTree(hostd("account", "show", "shop", "-o", "json").out());
        assertThat(shown.get("unixUser").asText()).isEqualTo("shop2");
        assertThat(shown.get("socketAccess").asText()).as("the access stays").isEqualTo("read-only");

        assertThat(hostd("account", "update", "shop", "--no-unix-user").exitCode()).isZero();
        assertThat(Json.mapper().readTree(hostd("account", "show", "shop", "-o", "json").out()).has("unixUser"))
                .isFalse();
        assertThat(hostd("account", "update", "other", "--unix-user", "shop").exitCode()).isZero();
        assertThat(hostd("account", "update", "nobody", "--unix-user", "x").exitCode()).isEqualTo(3);
        assertThat(hostd("account", "update", "shop").exitCode()).isNotZero();
        assertThat(hostd("account", "add", "x", "--webspace", web.toString(), "--unix-user", "Bad/Name")
                .exitCode()).isEqualTo(5);
    }
}
