package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Mailboxes, aliases and autoresponders through hostctl against a real hostd (no mail server). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailAgainstHostdTest {
    static final String PASSWORD = "correct horse battery staple 42";

    TestHostd hostd;
    Path home;
    String aliceToken;
    String bobToken;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        Files.createDirectories(tmp.resolve("alice"));
        Files.createDirectories(tmp.resolve("bob"));
        hostd.addAccount("alice", tmp.resolve("alice"), List.of());
        hostd.addAccount("bob", tmp.resolve("bob"), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "Example.COM.");
        hostd.hostd().mailboxes().addDomain("alice", "bücher.example");
        hostd.hostd().mailboxes().addDomain("bob", "bob.example");
        aliceToken = hostd.token("alice", false);
        bobToken = hostd.token("bob", false);
        home = tmp.resolve("home");
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    Hostctl alice;
    Hostctl bob;

    @BeforeEach
    void clients() {
        alice = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", aliceToken);
        bob = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", bobToken);
    }

    private static JsonNode json(HostctlRun run) throws IOException {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    @Test
    void domains_are_canonical_and_listed_with_their_unicode_form() throws IOException {
        JsonNode domains = json(alice.run("domain", "list", "-o", "json"));

        assertThat(domains.findValuesAsText("name")).containsExactly("example.com", "xn--bcher-kva.example");
        assertThat(domains.get(1).get("unicodeName").asText()).isEqualTo("bücher.example");
    }

    @Test
    void create_reads_the_password_from_stdin_and_show_reports_quota_and_state() throws IOException {
        HostctlRun created = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "Carol@EXAMPLE.com",
                "--password-stdin", "--quota", "2G", "--name", "Carol C", "-o", "json");

        JsonNode c = json(created);
        assertThat(c.get("mailbox").get("address").asText()).isEqualTo("carol@example.com");
        assertThat(c.has("generatedPassword")).isFalse();
        JsonNode shown = json(alice.run("mailbox", "show", "carol@example.com", "-o", "json"));
        assertThat(shown.get("quotaBytes").asLong()).isEqualTo(2L << 30);
        assertThat(shown.get("state").asText()).isEqualTo("active");
        assertThat(shown.get("usageBytes").asLong()).isZero();
        assertThat(shown.get("usageSource").asText()).isEqualTo("maildir");
        HostctlRun table = alice.run("mailbox", "show", "carol@example.com");
        assertThat(table.out()).contains("carol@example.com  active  2G").contains("Carol C");
    }

    @Test
    void generate_prints_the_password_once_and_it_is_never_stored_in_clear() throws IOException {
        HostctlRun run = alice.run("mailbox", "create", "gen@example.com", "--generate");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String generated = run.out().strip();
        assertThat(generated).hasSizeGreaterThanOrEqualTo(16);
        assertThat(run.err()).contains("shown only now");
        assertThat(Files.readAllBytes(hostd.dataDir().resolve("hostd.db"))).asString().doesNotContain(generated);
        assertThat(alice.run("mailbox", "show", "gen@example.com", "-o", "json").out()).doesNotContain(generated);
    }

    @Test
    void a_weak_password_is_refused_with_the_reason_and_nothing_is_created() throws IOException {
        HostctlRun weak = alice.runWithStdin("password123\n", "mailbox", "create", "weak@example.com",
                "--password-stdin");

        assertThat(weak.exitCode()).isEqualTo(5);
        assertThat(weak.err()).startsWith("hostctl: password refused: ");
        assertThat(alice.run("mailbox", "show", "weak@example.com").exitCode()).isEqualTo(3);
        HostctlRun containsAddress = alice.runWithStdin("weak@example.com-and-more\n", "mailbox", "create",
                "weak@example.com", "--password-stdin");
        assertThat(containsAddress.exitCode()).isEqualTo(5);
    }

    @Test
    void without_a_terminal_a_missing_password_is_a_usage_error_and_on_a_terminal_it_is_asked_twice() {
        HostctlRun piped = alice.run("mailbox", "create", "nopw@example.com");
        assertThat(piped.exitCode()).isEqualTo(2);
        assertThat(piped.err()).contains("--password-stdin");

        HostctlRun typed = alice.terminal(PASSWORD).run("mailbox", "create", "typed@example.com");
        assertThat(typed.exitCode()).as(typed.toString()).isZero();
        assertThat(typed.out() + typed.err()).doesNotContain(PASSWORD);
    }

    @Test
    void quota_disable_enable_are_idempotent_and_delete_needs_yes_then_restore_brings_it_back() throws IOException {
        alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "dave@example.com", "--password-stdin");

        assertThat(json(alice.run("mailbox", "quota", "dave@example.com", "500M", "-o", "json")).get("quotaBytes")
                .asLong()).isEqualTo(500L << 20);
        assertThat(alice.run("mailbox", "quota", "dave@example.com", "500M").exitCode()).isZero();
        assertThat(alice.run("mailbox", "quota", "dave@example.com", "lots").exitCode()).isEqualTo(2);

        assertThat(alice.run("mailbox", "disable", "dave@example.com").exitCode()).isEqualTo(2);
        assertThat(json(alice.run("mailbox", "disable", "dave@example.com", "--yes", "-o", "json")).get("state")
                .asText()).isEqualTo("disabled");
        assertThat(alice.run("mailbox", "disable", "dave@example.com", "--yes").exitCode()).isZero();
        assertThat(json(alice.run("mailbox", "enable", "dave@example.com", "-o", "json")).get("state").asText())
                .isEqualTo("active");

        HostctlRun noYes = alice.run("mailbox", "delete", "dave@example.com");
        assertThat(noYes.exitCode()).isEqualTo(2);
        assertThat(noYes.err()).contains("--yes");
        JsonNode deleted = json(alice.run("mailbox", "delete", "dave@example.com", "--yes", "-o", "json"));
        assertThat(deleted.get("state").asText()).isEqualTo("deleted");
        assertThat(deleted.get("purgeAfter").asText()).isEqualTo("2026-12-28T12:00:00Z");
        assertThat(alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "dave@example.com",
                "--password-stdin").exitCode()).isEqualTo(5);
        assertThat(json(alice.run("mailbox", "restore", "dave@example.com", "-o", "json")).get("state").asText())
                .isEqualTo("active");
        HostctlRun cancelled = alice.terminal("n").run("mailbox", "delete", "dave@example.com");
        assertThat(cancelled.exitCode()).isEqualTo(2);
        assertThat(json(alice.run("mailbox", "show", "dave@example.com", "-o", "json")).get("state").asText())
                .isEqualTo("active");
    }

    @Test
    void aliases_forward_refuse_loops_and_foreign_sources() throws IOException {
        alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "erin@example.com", "--password-stdin");

        JsonNode a = json(alice.run("alias", "add", "Info@Example.com", "erin@example.com", "x@elsewhere.example",
                "-o", "json"));
        assertThat(a.get("source").asText()).isEqualTo("info@example.com");
        assertThat(a.get("destinations").findValuesAsText("")).isEmpty();
        assertThat(a.get("destinations").toString()).isEqualTo("[\"erin@example.com\",\"x@elsewhere.example\"]");
        assertThat(alice.run("alias", "add", "info@example.com", "erin@example.com").exitCode()).isZero();

        assertThat(alice.run("alias", "add", "sales@example.com", "info@example.com").exitCode()).isZero();
        HostctlRun loop = alice.run("alias", "add", "info@example.com", "sales@example.com");
        assertThat(loop.exitCode()).isEqualTo(5);
        assertThat(loop.err()).contains("loop").contains("info@example.com -> sales@example.com -> info@example.com");

        HostctlRun quoted = alice.run("alias", "add", "info@example.com", "\"odd, user\"@elsewhere.example");
        assertThat(quoted.exitCode()).as(quoted.toString()).isEqualTo(5);
        assertThat(quoted.err()).isEqualTo("hostctl: '\"odd, user\"@elsewhere.example' has a quoted local part;"
                + " forwarding to such an address is not supported\n");

        HostctlRun foreign = alice.run("alias", "add", "x@bob.example", "erin@example.com");
        assertThat(foreign.exitCode()).isEqualTo(3);
        assertThat(foreign.err()).isEqualTo("hostctl: no domain bob.example\n");

        assertThat(alice.run("alias", "remove", "info@example.com", "x@elsewhere.example").exitCode()).isZero();
        JsonNode listed = json(alice.run("alias", "list", "-o", "json"));
        assertThat(listed.findValuesAsText("source")).contains("info@example.com", "sales@example.com");
        assertThat(listed.toString()).doesNotContain("x@elsewhere.example");
        assertThat(alice.run("alias", "remove", "sales@example.com").exitCode()).isEqualTo(2);
        assertThat(alice.run("alias", "remove", "sales@example.com", "--yes").exitCode()).isZero();
    }

    @Test
    void a_loop_through_another_accounts_aliases_names_none_of_its_addresses() {
        assertThat(alice.run("alias", "add", "fw@example.com", "hidden-internal@example.com").exitCode()).isZero();
        assertThat(alice.run("alias", "add", "hidden-internal@example.com", "bx@bob.example").exitCode()).isZero();

        HostctlRun loop = bob.run("alias", "add", "bx@bob.example", "fw@example.com");

        assertThat(loop.exitCode()).as(loop.toString()).isEqualTo(5);
        assertThat(loop.err()).isEqualTo("hostctl: refused: mail would loop (bx@bob.example -> [outside your account]"
                + " -> bx@bob.example; the loop passes through addresses outside your account)\n");
        assertThat(bob.run("alias", "list").out()).doesNotContain("bx@bob.example");
        assertThat(alice.run("alias", "remove", "fw@example.com", "--yes").exitCode()).isZero();
        assertThat(alice.run("alias", "remove", "hidden-internal@example.com", "--yes").exitCode()).isZero();
    }

    @Test
    void display_names_and_autoreplies_refuse_c1_bidi_and_separator_characters() throws IOException {
        HostctlRun csi = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "ivy@example.com",
                "--password-stdin", "--name", "Ivy \u009b31m");
        HostctlRun bidi = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "ivy@example.com",
                "--password-stdin", "--name", "Ivy\u202egnp.exe");
        HostctlRun separator = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "ivy@example.com",
                "--password-stdin", "--name", "Ivy\u2028Admin");

        assertThat(csi.exitCode()).as(csi.toString()).isEqualTo(5);
        assertThat(csi.err()).isEqualTo("hostctl: the display name must not contain U+009B (CONTROL SEQUENCE "
                + "INTRODUCER) at character 5\n");
        assertThat(bidi.err()).isEqualTo("hostctl: the display name must not contain U+202E (RIGHT-TO-LEFT "
                + "OVERRIDE) at character 4\n");
        assertThat(separator.err()).isEqualTo("hostctl: the display name must not contain U+2028 (LINE SEPARATOR) "
                + "at character 4\n");
        assertThat(alice.run("mailbox", "show", "ivy@example.com").exitCode()).as("nothing created").isEqualTo(3);

        alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "jay@example.com", "--password-stdin");
        HostctlRun subject = alice.runWithStdin("Back soon.\n", "autoreply", "set", "jay@example.com", "--subject",
                "Away\u2066", "--text-file", "-");
        HostctlRun text = alice.runWithStdin("Back\nsoon.\u009b2J\n", "autoreply", "set", "jay@example.com",
                "--subject", "Away", "--text-file", "-");
        HostctlRun fine = alice.runWithStdin("Back\n\tsoon.\r\n", "autoreply", "set", "jay@example.com",
                "--subject", "Away", "--text-file", "-");

        assertThat(subject.exitCode()).as(subject.toString()).isEqualTo(5);
        assertThat(subject.err()).isEqualTo("hostctl: the subject must not contain U+2066 (LEFT-TO-RIGHT ISOLATE) "
                + "at character 5\n");
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(5);
        assertThat(text.err()).isEqualTo("hostctl: the text must not contain U+009B (CONTROL SEQUENCE INTRODUCER) "
                + "at character 11\n");
        assertThat(fine.exitCode()).as(fine.toString()).isZero();
    }

    @Test
    void autoreply_is_set_shown_and_turned_off() throws IOException {
        alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "frank@example.com", "--password-stdin");

        JsonNode set = json(alice.runWithStdin("Back on Monday.\n", "autoreply", "set", "frank@example.com",
                "--subject", "Away", "--text-file", "-", "--from", "2026-12-20", "--until", "2027-01-06", "--every",
                "3", "-o", "json"));
        assertThat(set.get("enabled").asBoolean()).isTrue();
        assertThat(set.get("body").asText()).isEqualTo("Back on Monday.\n");
        assertThat(set.get("intervalDays").asInt()).isEqualTo(3);

        HostctlRun backwards = alice.runWithStdin("x\n", "autoreply", "set", "frank@example.com", "--subject", "A",
                "--text-file", "-", "--from", "2027-01-06", "--until", "2026-12-20");
        assertThat(backwards.exitCode()).isEqualTo(5);
        HostctlRun zero = alice.runWithStdin("x\n", "autoreply", "set", "frank@example.com", "--subject", "A",
                "--text-file", "-", "--every", "0");
        assertThat(zero.exitCode()).isEqualTo(5);

        assertThat(json(alice.run("autoreply", "off", "frank@example.com", "-o", "json")).get("enabled").asBoolean())
                .isFalse();
        assertThat(alice.run("autoreply", "off", "frank@example.com").exitCode()).isZero();
    }

    @Test
    void another_account_can_neither_see_nor_touch_alices_mail_in_any_spelling() throws IOException {
        alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "grace@example.com", "--password-stdin");
        alice.run("alias", "add", "team@example.com", "grace@example.com");

        for (String spelling : List.of("grace@example.com", "GRACE@Example.COM", "grace@example.com.")) {
            HostctlRun show = bob.run("mailbox", "show", spelling);
            assertThat(show.exitCode()).as(spelling).isEqualTo(3);
            assertThat(show.err()).isEqualTo("hostctl: no mailbox grace@example.com\n");
            assertThat(bob.runWithStdin(PASSWORD + "\n", "mailbox", "passwd", spelling, "--password-stdin")
                    .exitCode()).isEqualTo(3);
            assertThat(bob.run("mailbox", "delete", spelling, "--yes").exitCode()).isEqualTo(3);
            assertThat(bob.run("mailbox", "quota", spelling, "1M").exitCode()).isEqualTo(3);
        }
        HostctlRun missing = bob.run("mailbox", "show", "nobody@example.com");
        assertThat(missing.err()).isEqualTo("hostctl: no mailbox nobody@example.com\n");
        assertThat(bob.runWithStdin(PASSWORD + "\n", "mailbox", "create", "evil@EXAMPLE.com", "--password-stdin")
                .exitCode()).isEqualTo(3);
        assertThat(bob.runWithStdin(PASSWORD + "\n", "mailbox", "create", "evil@bücher.example",
                "--password-stdin").exitCode()).isEqualTo(3);
        assertThat(bob.runWithStdin(PASSWORD + "\n", "mailbox", "create", "evil@xn--bcher-kva.example",
                "--password-stdin").exitCode()).isEqualTo(3);
        assertThat(bob.run("alias", "add", "team@example.com", "evil@bob.example").exitCode()).isEqualTo(3);
        assertThat(bob.run("alias", "remove", "team@example.com", "--yes").exitCode()).isEqualTo(3);
        assertThat(bob.run("mailbox", "list", "example.com").exitCode()).isEqualTo(3);
        assertThat(json(bob.run("mailbox", "list", "-o", "json"))).isEmpty();
        assertThat(json(bob.run("alias", "list", "-o", "json"))).isEmpty();

        JsonNode g = json(alice.run("mailbox", "show", "grace@example.com", "-o", "json"));
        assertThat(g.get("state").asText()).isEqualTo("active");
        assertThat(json(alice.run("alias", "list", "-o", "json")).toString()).contains("team@example.com");
    }

    @Test
    void the_password_never_appears_in_the_trace_or_any_response() throws IOException {
        HostctlRun run = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", "heidi@example.com",
                "--password-stdin", "-v", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD).doesNotContain("battery");
        HostctlRun passwd = alice.runWithStdin(PASSWORD + "!x\n", "mailbox", "passwd", "heidi@example.com",
                "--password-stdin", "-v");
        assertThat(passwd.exitCode()).as(passwd.toString()).isZero();
        assertThat(passwd.out() + passwd.err()).doesNotContain("battery");
    }
}
