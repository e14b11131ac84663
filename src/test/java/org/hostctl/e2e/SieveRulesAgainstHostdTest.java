package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.cli.ExitCodes;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.Roundcube;
import org.hostctl.support.SieveToolsRequired;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostctl sieve rule} against hostd's embedded Sieve backend, which compiles with Pigeonhole's sievec. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SieveRulesAgainstHostdTest {
    static final String ZIP_SCRIPT = "require [\"body\",\"fileinto\",\"mailbox\",\"regex\"];\r\n"
            + "# rule:[zip attachments]\r\nif body :raw :regex \"filename=\\\".+\\\\.zip\\\"\"\r\n{\r\n"
            + "\tfileinto :create \"Archive\";\r\n}\r\n";

    TestHostd hostd;
    Hostctl alice;
    String token;
    Path home;
    int mailboxes;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        SieveToolsRequired.check();
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        token = hostd.token("alice", false);
        home = tmp.resolve("home");
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    String address;

    @BeforeEach
    void mailbox() {
        alice = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token);
        address = "user" + (++mailboxes) + "@example.com";
        ok(alice.runWithStdin("Correct-Horse-Battery-77\n", "mailbox", "create", address, "--password-stdin"));
    }

    static HostctlRun ok(HostctlRun r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    String stored(String script) {
        return ok(alice.run("sieve", "get", address, script)).out();
    }

    @Test
    void the_first_rule_makes_the_webmail_script_and_activates_it() throws IOException {
        HostctlRun r = ok(alice.run("sieve", "rule", "add", address, "zip attachments", "--body-raw", "--regex",
                "filename=\".+\\.zip\"", "--fileinto", "Archive", "--create"));

        assertThat(r.err()).isEqualTo("New script roundcube for " + address + ", made the active script\n"
                + "Added the rule zip attachments to roundcube\n");
        assertThat(r.out()).isEmpty();
        assertThat(stored("roundcube")).isEqualTo(ZIP_SCRIPT);
        JsonNode scripts = Json.mapper().readTree(ok(alice.run("sieve", "list", address, "-o", "json")).out());
        assertThat(scripts.get(0).get("name").asText()).isEqualTo("roundcube");
        assertThat(scripts.get(0).get("active").asBoolean()).isTrue();
        assertThat(ok(alice.run("sieve", "rule", "list", address)).out()).isEqualTo(
                "#  NAME             ENABLED  RULE\n"
                + "1  zip attachments  yes      if body (raw) matches regex \"filename=\\\".+\\\\.zip\\\"\" then "
                + "move to \"Archive\" (created if missing)\n");
    }

    @Test
    void what_rule_list_prints_as_json_is_what_roundcube_reads() throws IOException {
        Roundcube.required();
        ok(alice.run("sieve", "rule", "add", address, "zip", "--body-raw", "--regex", "\\.zip", "--fileinto",
                "Archive"));
        ok(alice.run("sieve", "rule", "add", address, "boss", "--from", "--contains", "boss@example.com",
                "--subject", "--not", "--contains", "newsletter", "--size-over", "10k", "--fileinto", "Boss",
                "--copy", "--mark-read", "--flag", "--stop", "--disabled", "--before", "zip"));
        ok(alice.run("sieve", "rule", "add", address, "any", "--any-of", "--header", "X-Spam", "--is", "yes",
                "--to", "--matches", "*@spam.example", "--discard"));

        ArrayNode listed = (ArrayNode) Json.mapper().readTree(ok(alice.run("sieve", "rule", "list", address, "-o",
                "json")).out());
        for (JsonNode rule : listed) {
            ((ObjectNode) rule).remove(List.of("position", "format", "sieve"));
        }
        JsonNode judged = Roundcube.parse(stored("roundcube"));
        assertThat(judged.get("rules")).isEqualTo(listed);
        assertThat(judged.get("text").asText()).isEqualTo(stored("roundcube"));
        assertThat(listed.get(0).get("name").asText()).isEqualTo("boss");
        assertThat(listed.get(0).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void disable_enable_move_and_remove_change_only_their_rule() {
        ok(alice.run("sieve", "rule", "add", address, "zip attachments", "--body-raw", "--regex",
                "filename=\".+\\.zip\"", "--fileinto", "Archive", "--create"));
        ok(alice.run("sieve", "rule", "add", address, "sale", "--subject", "--contains", "sale", "--discard"));
        String two = stored("roundcube");

        HostctlRun off = ok(alice.run("sieve", "rule", "disable", address, "zip attachments"));
        assertThat(off.err()).isEqualTo("Disabled the rule zip attachments in roundcube\n");
        assertThat(stored("roundcube")).isEqualTo(two.replace("if body", "if false # body"));
        assertThat(ok(alice.run("sieve", "rule", "disable", address, "zip attachments")).err())
                .isEqualTo("The rule is disabled already: zip attachments in roundcube\n");
        ok(alice.run("sieve", "rule", "enable", address, "zip attachments"));
        assertThat(stored("roundcube")).isEqualTo(two);

        ok(alice.run("sieve", "rule", "move", address, "sale", "--before", "zip attachments"));
        String moved = stored("roundcube");
        assertThat(moved.indexOf("# rule:[sale]")).isLessThan(moved.indexOf("# rule:[zip attachments]"));
        ok(alice.run("sieve", "rule", "move", address, "sale", "--last"));
        assertThat(stored("roundcube")).isEqualTo(two);

        HostctlRun json = ok(alice.run("sieve", "rule", "disable", address, "sale", "-o", "json"));
        assertThat(json.out()).contains("\"name\" : \"sale\"").contains("\"enabled\" : false");

        ok(alice.run("sieve", "rule", "remove", address, "zip attachments"));
        assertThat(stored("roundcube")).isEqualTo("# rule:[sale]\r\nif false # header :contains \"subject\" \"sale\"\r\n"
                + "{\r\n\tdiscard;\r\n}\r\n");
        ok(alice.run("sieve", "rule", "remove", address, "sale"));
        assertThat(stored("roundcube")).isEqualTo("\r\n");
        assertThat(ok(alice.run("sieve", "rule", "list", address)).out()).isEmpty();
    }

    @Test
    void rules_added_one_after_another_in_one_shell_keep_only_their_own_tests_and_actions() throws IOException {
        HostctlRun shell = ok(alice.runWithStdin("sieve rule add " + address + " a --subject --is x --discard\n"
                + "sieve rule add " + address + " b --to --contains y --keep -o json\n", "shell"));

        assertThat(shell.out()).contains("\"name\" : \"b\"");
        assertThat(stored("roundcube")).isEqualTo("# rule:[a]\r\nif header :is \"subject\" \"x\"\r\n{\r\n"
                + "\tdiscard;\r\n}\r\n# rule:[b]\r\nif header :contains \"to\" \"y\"\r\n{\r\n\tkeep;\r\n}\r\n");
    }

    @Test
    void a_mailbox_without_scripts_has_no_rules_and_a_named_script_must_exist() {
        HostctlRun none = ok(alice.run("sieve", "rule", "list", address));
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEmpty();
        HostctlRun named = alice.run("sieve", "rule", "list", address, "filters");
        assertThat(named.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(named.err()).isEqualTo("hostctl: no Sieve script filters for " + address + "\n");
        HostctlRun disable = alice.run("sieve", "rule", "disable", address, "x");
        assertThat(disable.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(disable.err()).startsWith("hostctl: " + address + " has no active Sieve script and none named "
                + "roundcube");
    }

    @Test
    void a_rule_given_as_json_is_added_as_it_says() {
        String rule = "{\"enabled\": true, \"join\": \"anyof\", \"tests\": [{\"test\": \"size\", \"over\": \"5M\"}],"
                + " \"actions\": [{\"action\": \"fileinto\", \"folder\": \"Big\"}, {\"action\": \"stop\"}]}";
        ok(alice.runWithStdin(rule, "sieve", "rule", "add", address, "big", "--json", "-"));

        assertThat(stored("roundcube")).isEqualTo("require [\"fileinto\"];\r\n# rule:[big]\r\nif size :over 5M\r\n"
                + "{\r\n\tfileinto \"Big\";\r\n\tstop;\r\n}\r\n");
        HostctlRun bad = alice.runWithStdin("{\"tests\": [{\"test\": \"date\"}], \"actions\": []}", "sieve", "rule",
                "add", address, "bad", "--json", "-");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).isEqualTo("hostctl: the rule 'bad' has no action\n");
    }

    @Test
    void a_hand_written_script_is_listed_raw_and_not_changed() throws IOException {
        String hand = "require \"fileinto\";\nif header :is \"x-spam\" \"yes\" {\n  fileinto \"Junk\";\n}\n";
        ok(alice.runWithStdin(hand, "sieve", "put", address, "mine", "-", "--activate"));

        HostctlRun list = ok(alice.run("sieve", "rule", "list", address));
        assertThat(list.err()).isEqualTo("warning: mine is not in the webmail's rule format (line 2: 'if' is not "
                + "inside a rule of the webmail (a '# rule:[NAME]' comment and one 'if')); its statements are listed "
                + "as raw rules\n");
        assertThat(list.out()).isEqualTo("#  NAME  ENABLED  RULE\n"
                + "1        yes      raw: if header :is \"x-spam\" \"yes\" { fileinto \"Junk\"; }\n");

        HostctlRun add = alice.run("sieve", "rule", "add", address, "x", "--subject", "--is", "x", "--discard");
        assertThat(add.exitCode()).as(add.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(add.err()).isEqualTo("hostctl: the script mine is not in the webmail's rule format (line 2: 'if' "
                + "is not inside a rule of the webmail (a '# rule:[NAME]' comment and one 'if')), so hostctl changes "
                + "no rule in it; edit it as a whole with 'hostctl sieve edit " + address + " mine', or keep rules "
                + "in a script of their own with --script NAME\n");
        assertThat(stored("mine")).isEqualTo(hand);
    }

    @Test
    void the_server_checks_a_rule_like_sieve_put() {
        ok(alice.run("sieve", "rule", "add", address, "sale", "--subject", "--contains", "sale", "--discard"));
        String before = stored("roundcube");

        HostctlRun r = alice.run("sieve", "rule", "add", address, "away", "--all-messages", "--redirect",
                "someone@elsewhere.example");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.err()).contains("redirect").contains("someone@elsewhere.example");
        assertThat(stored("roundcube")).isEqualTo(before);
    }

    @Test
    void mistakes_are_usage_errors_and_missing_rules_not_found() {
        HostctlRun noField = alice.run("sieve", "rule", "add", address, "x", "--contains", "a", "--discard");
        assertThat(noField.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noField.err()).contains("--contains needs what to test before it");
        HostctlRun noAction = alice.run("sieve", "rule", "add", address, "x", "--subject", "--is", "a");
        assertThat(noAction.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noAction.err()).isEqualTo("hostctl: a rule needs an action: e.g. --fileinto FOLDER, --discard\n");
        HostctlRun create = alice.run("sieve", "rule", "add", address, "x", "--subject", "--is", "a", "--create");
        assertThat(create.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(create.err()).contains("--create belongs right after --fileinto");

        ok(alice.run("sieve", "rule", "add", address, "sale", "--subject", "--contains", "sale", "--discard"));
        HostctlRun missing = alice.run("sieve", "rule", "remove", address, "nope");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).isEqualTo("hostctl: no rule named 'nope' in the script roundcube ('hostctl sieve "
                + "rule list " + address + " roundcube' shows them)\n");
        HostctlRun twice = alice.run("sieve", "rule", "add", address, "sale", "--subject", "--is", "a", "--keep");
        assertThat(twice.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(twice.err()).isEqualTo("hostctl: a rule named 'sale' exists already in the script roundcube\n");
    }
}
