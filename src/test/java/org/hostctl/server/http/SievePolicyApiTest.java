package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Autoreply;
import org.hostctl.api.Json;
import org.hostctl.api.SieveCheck;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.server.sieve.VacationScript;
import org.hostctl.support.Fixtures;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.SieveToolsRequired;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider's Sieve policy on every target a script names, after what variables and encoded characters could
 * make of it, on put, check and the autoresponder; and fileinto folders, checked against the maildir on disk.
 * Each refused script compiles with Pigeonhole's sievec, so only the policy stops it.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SievePolicyApiTest {
    static final String MESSAGE = "From: sender@example.net\r\nTo: ann@example.com\r\nSubject: hello\r\n"
            + "Message-ID: <p-1@example.net>\r\n\r\ntext\r\n";

    TestHostd hostd;
    RawApi api;
    String alice;
    Path mailRoot;
    String ann = "/v1/mailboxes/ann@example.com";

    @BeforeAll
    void start(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + """
                sieve:
                  policy:
                    vacationMinDays: 2
                    redirectAllow: [partner.example]
                """, Fixtures.CLOCK);
        api = new RawApi(hostd.url());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        alice = hostd.token("alice", false);
        assertThat(api.send("POST", "/v1/mailboxes", alice, "{\"address\":\"ann@example.com\","
                + "\"password\":\"correct horse battery staple\"}").status()).isEqualTo(201);
        mailRoot = hostd.hostd().mailboxes().mailRoot();
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    @BeforeEach
    void tools() {
        SieveToolsRequired.check();
    }

    private static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply put(String name, String content) {
        return api.put(ann + "/sieve/" + name, alice, json(new SievePut(content, true)));
    }

    private Reply check(String content) {
        return api.send("POST", ann + "/sieve-check", alice, json(new SieveCheck(content)));
    }

    private Path home() {
        return mailRoot.resolve("example.com").resolve("ann");
    }

    /** Refused on put and on check, with the line, and nothing stored. */
    private void refused(String script, String code, int line, String mentions) {
        Reply r = put("evil", script);
        assertThat(r.status()).as(script + "\n" + r).isEqualTo(422);
        assertThat(r.code()).as(script).isEqualTo(code);
        String detail = r.problem(422).path("detail").asText();
        assertThat(detail).as(script).startsWith("line " + line + ": ").contains(mentions).doesNotContain("\n");
        assertThat(home().resolve("sieve/evil.sieve")).as(script).doesNotExist();
        assertThat(check(script).code()).as(script).isEqualTo(code);
    }

    @Test
    void notify_targets_from_variables_are_refused_as_the_hardening_issue_shows() {
        refused("require [\"enotify\",\"variables\"];\nset \"m\" \"mailto:evil@evil.example\";\n"
                + "notify :message \"${1}\" \"${m}\";\n", "redirect-not-allowed", 3, "variables");
        refused("require [\"enotify\",\"variables\"];\nset \"m\" \"mailto\";\n"
                + "notify \"${m}:evil@evil.example\";\n", "redirect-not-allowed", 3, "variables");
        refused("require [\"enotify\",\"variables\"];\nset :lower \"m\" \"MAILTO:EVIL@EVIL.EXAMPLE\";\n"
                + "notify \"${m}\";\n", "redirect-not-allowed", 3, "variables");
        refused("require [\"enotify\",\"variables\"];\nif header :matches \"subject\" \"*\" {\n"
                + "  notify \"mailto:${1}\";\n}\n", "redirect-not-allowed", 3, "variables");
        refused("require [\"enotify\",\"variables\"];\nset \"a\" \"evil\"; set \"b\" \"evil.example\";\n"
                + "notify \"mailto:${a}@${b}\";\n", "redirect-not-allowed", 3, "variables");
    }

    @Test
    void every_notify_target_and_sender_is_checked() {
        refused("require \"enotify\";\nnotify :from \"boss@evil.example\" \"mailto:ann@example.com\";\n",
                "notify-from", 2, "boss@evil.example");
        refused("require \"enotify\";\nnotify :options [\"x=evil@evil.example\"] \"mailto:ann@example.com\";\n",
                "redirect-not-allowed", 2, "evil@evil.example");
        refused("require \"enotify\";\nnotify \"mailto:ann@example.com?cc=evil@evil.example\";\n",
                "redirect-not-allowed", 2, "evil@evil.example");
        refused("require \"enotify\";\nnotify \"mailto:ann@example.com?reply-to=evil@evil.example\";\n",
                "redirect-not-allowed", 2, "reply-to");
        refused("require \"enotify\";\nnotify \"mailto:%65vil@evil.example\";\n", "redirect-not-allowed", 2,
                "evil@evil.example");
        refused("require \"enotify\";\nnotify \"mai\\lto:evil@evil.example\";\n", "redirect-not-allowed", 2,
                "evil@evil.example");
        refused("require \"enotify\";\nnotify \"MAILTO:evil@EVIL.example\";\n", "redirect-not-allowed", 2,
                "evil@evil.example");

        Reply ok = put("fine", "require [\"enotify\",\"variables\"];\nif header :matches \"subject\" \"*\" {\n"
                + "  notify :from \"ann@example.com\" :importance \"1\" :message \"new: ${1}\"\n"
                + "      \"mailto:ann@example.com?cc=x@partner.example&subject=new%20mail\";\n}\n");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    void redirect_and_vacation_targets_variables_escapes_or_encoded_characters_could_change_are_refused() {
        refused("require [\"variables\",\"copy\"];\nset \"m\" \"evil@evil.example\";\nredirect :copy \"\\${m}\";\n",
                "redirect-not-allowed", 3, "variables");
        refused("require [\"encoded-character\"];\nredirect \"${hex:65}vil@evil.example\";\n",
                "redirect-not-allowed", 2, "encoded characters");
        refused("require \"variables\";\nset \"m\" \"evil@evil.example\";\nredirect text:\n${m}\n.\n;\n",
                "redirect-not-allowed", 3, "variables");
        refused("require \"variables\";\nset :upper \"m\" \"x\";\n/* redirect \"a@example.com\"; */\n"
                + "redirect \"${m}@evil.example\"; # comment\n", "redirect-not-allowed", 4, "variables");
        refused("require [\"vacation\",\"variables\"];\nset \"f\" \"boss@evil.example\";\n"
                + "vacation :from \"${f}\" \"away\";\n", "vacation-from", 3, "variables");
        refused("require \"vacation\";\nvacation :addresses [\"ann@example.com\", \"ceo@evil.example\"] \"away\";\n",
                "vacation-from", 2, "ceo@evil.example");
        refused("require [\"vacation\",\"variables\"];\nset :length \"n\" \"abc\";\n"
                + "vacation :addresses \"${n}@example.com\" \"away\";\n", "vacation-from", 3, "variables");

        assertThat(put("vac", "require [\"vacation\",\"variables\"];\nset \"s\" \"Away\";\n"
                + "vacation :days 2 :subject \"${s}\" :from \"Ann <ann@example.com>\" :addresses [\"ann@example.com\"]"
                + " \"back ${s}\";\n").status()).as("variables in text are fine").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "../../../tmp/x", ".hidden", "Lists..Work", "Lists.", "a/../../b", "/tmp/abs",
        "~x", "${hex:2e 2e}/x", "${unicode:2e}${unicode:2e}", "..${1}"})
    void fileinto_folders_that_leave_the_hierarchy_are_refused(String folder) {
        String script = "require [\"fileinto\",\"mailbox\",\"encoded-character\",\"variables\"];\n"
                + "if header :matches \"subject\" \"*\" {\n  fileinto :create \"" + folder + "\";\n}\n";
        refused(script, "folder-not-allowed", 3, "fileinto folder");
    }

    @Test
    void fileinto_subfolders_and_folders_from_variables_are_fine() {
        Reply r = put("sort", "require [\"fileinto\",\"mailbox\",\"variables\"];\n"
                + "if header :matches \"list-id\" \"*<*.*>\" { fileinto :create \"Lists.${2}\"; }\n"
                + "fileinto :create \"Archive.2026\";\n");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void a_script_stored_past_hostd_is_checked_again_before_it_is_activated() throws IOException {
        Path sieve = Files.createDirectories(home().resolve("sieve"));
        Files.writeString(sieve.resolve("legacy.sieve"),
                "require \"enotify\";\nnotify \"mailto:evil@evil.example\";\n");

        Reply r = api.post(ann + "/sieve/legacy/activate", alice);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("redirect-not-allowed");
        Path link = home().resolve(".dovecot.sieve");
        assertThat(Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).toString() : "").doesNotContain("legacy");
        assertThat(api.delete(ann + "/sieve/legacy", alice).status()).isEqualTo(204);
    }

    @Test
    void the_autoresponder_is_held_to_the_same_policy_and_nothing_changes_when_it_is_refused() {
        Autoreply tooOften = new Autoreply("ann@example.com", true, "Away", "Back soon.\n", null, null, 1);
        Reply r = api.put(ann + "/autoreply", alice, json(tooOften));
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.code()).isEqualTo("vacation-period");
        assertThat(r.problem(422).path("detail").asText()).contains("below the minimum of 2 day(s)");
        assertThat(home().resolve(VacationScript.FILE)).doesNotExist();
        assertThat(api.get(ann + "/autoreply", alice).json().path("enabled").asBoolean()).isFalse();

        Autoreply fine = new Autoreply("ann@example.com", true, "Away ${x}", "Back soon.\n", null, null, 2);
        assertThat(api.put(ann + "/autoreply", alice, json(fine)).status()).isEqualTo(200);
        assertThat(api.delete(ann + "/autoreply", alice).status()).isEqualTo(200);
    }

    @Test
    void fileinto_a_folder_the_maildir_lacks_warns_on_check_put_and_test_until_it_exists_or_create_is_used()
            throws IOException {
        String script = "require \"fileinto\";\nif header :contains \"subject\" \"hello\" {\n"
                + "  fileinto \"Projects.Q\u00e4\";\n}\nfileinto \"INBOX\";\n";
        Path maildir = home().resolve("Maildir");
        Files.createDirectories(maildir.resolve("cur"));

        Reply checked = check(script);
        assertThat(checked.json().path("warnings")).as("one warning: INBOX always exists").hasSize(1);
        assertThat(checked.json().path("warnings").get(0).asText())
                .startsWith("line 3: warning: fileinto folder 'Projects.Q\u00e4' does not exist").contains(":create");
        assertThat(put("proj", script).json().path("warnings").toString()).contains("'Projects.Q\u00e4'");
        Reply test = api.send("POST", ann + "/sieve-test", alice, json(new SieveTestRequest(script, null, MESSAGE,
                null)));
        assertThat(test.json().path("actions").toString()).contains("Projects.Q\u00e4");
        assertThat(test.json().path("warnings").toString()).contains("'Projects.Q\u00e4' does not exist");

        String created = script.replace("require \"fileinto\";", "require [\"fileinto\",\"mailbox\"];")
                .replace("fileinto \"Projects", "fileinto :create \"Projects");
        assertThat(check(created).json().path("warnings").toString()).isEqualTo("[]");

        Files.createDirectories(maildir.resolve(".Projects.Q&AOQ-").resolve("cur"));
        assertThat(check(script).json().path("warnings").toString()).isEqualTo("[]");
        assertThat(api.send("POST", ann + "/sieve-test", alice, json(new SieveTestRequest(script, null, MESSAGE,
                null))).json().path("warnings").toString()).isEqualTo("[]");
    }

    @Test
    void a_folder_that_is_a_symbolic_link_does_not_count_and_is_not_followed(@org.junit.jupiter.api.io.TempDir
            Path elsewhere) throws IOException {
        Path maildir = Files.createDirectories(home().resolve("Maildir"));
        Files.createDirectories(elsewhere.resolve("cur"));
        Files.createSymbolicLink(maildir.resolve(".Linked"), elsewhere);
        try {
            assertThat(check("require \"fileinto\";\nfileinto \"Linked\";\n").json().path("warnings").toString())
                    .contains("'Linked' does not exist");
        } finally {
            Files.delete(maildir.resolve(".Linked"));
        }
    }
}
