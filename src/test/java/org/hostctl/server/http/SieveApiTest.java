package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Autoreply;
import org.hostctl.api.Json;
import org.hostctl.api.SieveCheck;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveRename;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.server.sieve.SieveTools;
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
import org.junit.jupiter.api.io.TempDir;

/** The Sieve routes on the embedded backend, with Pigeonhole's real sievec and sieve-test. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SieveApiTest {
    static final String ZIP_RULE = "require [\"fileinto\",\"body\",\"regex\",\"mailbox\"];\n"
            + "if body :raw :regex \"filename=\\\".+\\\\.zip\\\"\" { fileinto :create \"Archive\"; }\n";
    static final String ZIP_MESSAGE = """
            From: sender@example.net\r
            To: ann@example.com\r
            Subject: with zip\r
            Message-ID: <zip-1@example.net>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain\r
            \r
            see attachment\r
            --b1\r
            Content-Type: application/zip; name="files.zip"\r
            Content-Disposition: attachment; filename="files.zip"\r
            Content-Transfer-Encoding: base64\r
            \r
            UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r
            --b1--\r
            """;
    static final String PLAIN_MESSAGE = "From: sender@example.net\r\nTo: ann@example.com\r\nSubject: plain\r\n"
            + "Message-ID: <plain-1@example.net>\r\n\r\nno attachment\r\n";

    TestHostd hostd;
    RawApi api;
    String alice;
    String bob;
    Path mailRoot;
    String ann = "/v1/mailboxes/ann@example.com";

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + """
                sieve:
                  policy:
                    maxScripts: 3
                    redirectAllow: [partner.example, boss@mail.example]
                """, Fixtures.CLOCK);
        api = new RawApi(hostd.url());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.addAccount("bob", Files.createDirectories(tmp.resolve("bob")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        hostd.hostd().mailboxes().addDomain("alice", "example.org");
        hostd.hostd().mailboxes().addDomain("bob", "bob.example");
        alice = hostd.token("alice", false);
        bob = hostd.token("bob", false);
        for (String a : List.of("ann@example.com", "max@example.com")) {
            assertThat(api.send("POST", "/v1/mailboxes", alice, "{\"address\":\"" + a
                    + "\",\"password\":\"correct horse battery staple\"}").status()).isEqualTo(201);
        }
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

    private Reply put(String mailbox, String name, String content, boolean activate) {
        return api.put(mailbox + "/sieve/" + name, alice, json(new SievePut(content, activate)));
    }

    private Path home(String local) {
        return mailRoot.resolve("example.com").resolve(local);
    }

    @Test
    void scripts_are_stored_in_dovecots_layout_listed_activated_renamed_and_deleted() throws IOException {
        String max = "/v1/mailboxes/max@example.com";
        Reply stored = put(max, "zip", ZIP_RULE, true);
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(stored.json().path("active").asBoolean()).isTrue();
        assertThat(stored.json().path("warnings").isArray()).isTrue();
        assertThat(put(max, "second", "keep;\n", false).status()).isEqualTo(200);

        Path home = home("max");
        assertThat(Files.readString(home.resolve("sieve/zip.sieve"))).isEqualTo(ZIP_RULE);
        assertThat(Files.readSymbolicLink(home.resolve(".dovecot.sieve")).toString()).isEqualTo("sieve/zip.sieve");
        assertThat(home.resolve("sieve").toFile().list()).containsExactlyInAnyOrder("zip.sieve", "second.sieve");

        JsonNode list = api.get(max + "/sieve", alice).json();
        assertThat(list.toString()).isEqualTo("[{\"name\":\"second\",\"active\":false},{\"name\":\"zip\",\"active\":true}]");
        JsonNode one = api.get(max + "/sieve/zip", alice).json();
        assertThat(one.path("content").asText()).isEqualTo(ZIP_RULE);
        assertThat(one.path("active").asBoolean()).isTrue();

        Reply activated = api.post(max + "/sieve/second/activate", alice);
        assertThat(activated.json().path("active").asBoolean()).isTrue();
        assertThat(Files.readSymbolicLink(home.resolve(".dovecot.sieve")).toString()).isEqualTo("sieve/second.sieve");

        Reply renamed = api.send("POST", max + "/sieve/second/rename", alice, json(new SieveRename("keep-all")));
        assertThat(renamed.json().toString()).isEqualTo("{\"name\":\"keep-all\",\"active\":true}");
        assertThat(Files.readSymbolicLink(home.resolve(".dovecot.sieve")).toString()).isEqualTo("sieve/keep-all.sieve");
        assertThat(api.send("POST", max + "/sieve/zip/rename", alice, json(new SieveRename("keep-all"))).code())
                .isEqualTo("script-exists");
        assertThat(Files.readString(home.resolve("sieve/zip.sieve"))).isEqualTo(ZIP_RULE);

        assertThat(api.delete(max + "/sieve/keep-all", alice).code()).isEqualTo("sieve-active");
        assertThat(home.resolve("sieve/keep-all.sieve")).exists();
        assertThat(api.delete(max + "/sieve/keep-all?deactivate=true", alice).status()).isEqualTo(204);
        assertThat(home.resolve(".dovecot.sieve")).doesNotExist();
        assertThat(home.resolve("sieve/keep-all.sieve")).doesNotExist();

        assertThat(api.post(max + "/sieve/zip/activate", alice).status()).isEqualTo(200);
        assertThat(api.post(max + "/sieve-deactivate", alice).status()).isEqualTo(204);
        assertThat(api.post(max + "/sieve-deactivate", alice).status()).as("idempotent").isEqualTo(204);
        assertThat(Files.exists(home.resolve(".dovecot.sieve"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(api.delete(max + "/sieve/zip", alice).status()).isEqualTo(204);
        assertThat(api.get(max + "/sieve", alice).json().size()).isZero();
        assertThat(api.get(max + "/sieve/zip", alice).code()).isEqualTo("no-such-script");
        assertThat(home.resolve("sieve").toFile().list()).as("no temporary files left").isEmpty();
    }

    @Test
    void a_script_that_does_not_compile_is_refused_with_its_line_and_the_previous_one_stays() throws IOException {
        assertThat(put(ann, "filter", "keep;\n", true).status()).isEqualTo(200);
        String broken = "require [\"fileinto\"];\nif true {\n  fileinto \"A\"\n}\n";

        Reply r = put(ann, "filter", broken, false);

        JsonNode p = r.problem(422);
        assertThat(r.code()).isEqualTo("sieve-compile");
        assertThat(p.path("errors").get(0).path("detail").asText()).startsWith("line 4: error: expected end of"
                + " command ';'");
        assertThat(p.path("errors").get(0).path("pointer").asText()).isEqualTo("/content");
        assertThat(p.path("detail").asText()).contains("line 4");
        assertThat(api.get(ann + "/sieve/filter", alice).json().path("content").asText()).isEqualTo("keep;\n");
        assertThat(Files.readString(home("ann").resolve("sieve/filter.sieve"))).isEqualTo("keep;\n");

        Reply check = api.send("POST", ann + "/sieve-check", alice, json(new SieveCheck(broken)));
        assertThat(check.problem(422).path("errors").get(0).path("detail").asText()).startsWith("line 4:");
        Reply ok = api.send("POST", ann + "/sieve-check", alice,
                json(new SieveCheck("require \"vacation\";\nvacation :days 3 \"away\";\n")));
        assertThat(ok.json().toString()).isEqualTo("{\"ok\":true,\"warnings\":[]}");
        assertThat(api.delete(ann + "/sieve/filter?deactivate=true", alice).status()).isEqualTo(204);
    }

    @Test
    void policy_refuses_bad_names_large_scripts_too_many_scripts_foreign_redirects_and_short_vacations() {
        String slash = api.send("POST", ann + "/sieve/x/rename", alice, json(new SieveRename("a/b"))).code();
        assertThat(slash).isEqualTo("invalid-script-name");
        assertThat(put(ann, "n".repeat(129), "keep;", false).code()).isEqualTo("invalid-script-name");
        assertThat(put(ann, "bad%01name", "keep;", false).code()).isEqualTo("invalid-script-name");
        assertThat(put(ann, "line%E2%80%A8sep", "keep;", false).code()).isEqualTo("invalid-script-name");
        assertThat(put(ann, "n".repeat(128), "keep;", false).status()).as("128 characters are fine").isEqualTo(200);
        assertThat(api.delete(ann + "/sieve/" + "n".repeat(128), alice).status()).isEqualTo(204);

        Reply large = put(ann, "large", "# " + "x".repeat(64 * 1024) + "\nkeep;\n", false);
        assertThat(large.problem(413).path("type").asText()).endsWith(":script-too-large");

        Reply foreign = put(ann, "fwd", "redirect \"someone@elsewhere.example\";\n", false);
        assertThat(foreign.problem(422).path("detail").asText()).contains("line 1").contains("elsewhere.example");
        assertThat(foreign.code()).isEqualTo("redirect-not-allowed");
        assertThat(put(ann, "fwd", "require \"copy\";\n# redirect \"x@evil.example\";\nredirect :copy \"A@Example.ORG\";"
                + " redirect \"x@partner.example\"; redirect \"boss@mail.example\";\n", false).status())
                .as("own domains and the allow list").isEqualTo(200);
        assertThat(put(ann, "fwd2", "redirect text:\nx@evil.example\n.\n;\n", false).code())
                .isEqualTo("redirect-not-allowed");
        assertThat(put(ann, "fwd2", "redirect \"other@mail.example\";\n", false).code())
                .as("an allowed address does not allow its domain").isEqualTo("redirect-not-allowed");
        assertThat(put(ann, "fwd2", "require \"enotify\";\nnotify \"mailto:x@evil.example\";\n", false).code())
                .isEqualTo("redirect-not-allowed");

        Reply vacation = put(ann, "away", "require \"vacation\";\nvacation :days 0 \"away\";\n", false);
        assertThat(vacation.code()).isEqualTo("vacation-period");
        assertThat(vacation.problem(422).path("errors").get(0).path("detail").asText()).startsWith("line 2:");
        assertThat(put(ann, "away", "require \"vacation\";\nvacation :from \"ceo@elsewhere.example\" \"x\";\n", false)
                .code()).isEqualTo("vacation-from");

        assertThat(put(ann, "two", "keep;", false).status()).isEqualTo(200);
        assertThat(put(ann, "three", "keep;", false).status()).isEqualTo(200);
        Reply fourth = put(ann, "four", "keep;", false);
        assertThat(fourth.problem(422).path("type").asText()).endsWith(":too-many-scripts");
        assertThat(put(ann, "two", "discard;", false).status()).as("replacing is not adding").isEqualTo(200);
        assertThat(home("ann").resolve("sieve/four.sieve")).doesNotExist();
        for (String n : List.of("fwd", "two", "three")) {
            assertThat(api.delete(ann + "/sieve/" + n, alice).status()).isEqualTo(204);
        }
    }

    @Test
    void sieve_test_files_a_message_with_a_zip_attachment_into_archive_and_keeps_a_plain_one() {
        Reply zip = api.send("POST", ann + "/sieve-test", alice,
                json(new SieveTestRequest(ZIP_RULE, null, ZIP_MESSAGE, "sender@example.net")));
        assertThat(zip.status()).as(zip.toString()).isEqualTo(200);
        assertThat(zip.json().toString()).isEqualTo("{\"actions\":[\"store message in folder: Archive + create"
                + " mailbox if it does not exist\"],\"implicitKeep\":false,\"warnings\":[]}");

        assertThat(put(ann, "zip", ZIP_RULE, false).status()).isEqualTo(200);
        Reply plain = api.send("POST", ann + "/sieve-test", alice,
                json(new SieveTestRequest(null, "zip", PLAIN_MESSAGE, null)));
        assertThat(plain.json().toString()).isEqualTo("{\"actions\":[],\"implicitKeep\":true,\"warnings\":[]}");

        Reply broken = api.send("POST", ann + "/sieve-test", alice,
                json(new SieveTestRequest("fileinto \"x\";\n", null, PLAIN_MESSAGE, null)));
        assertThat(broken.code()).isEqualTo("sieve-compile");
        assertThat(broken.problem(422).path("errors").get(0).path("detail").asText()).startsWith("line 1:");
        assertThat(api.send("POST", ann + "/sieve-test", alice,
                json(new SieveTestRequest("keep;", null, PLAIN_MESSAGE, "-oops"))).code()).isEqualTo("invalid-input");
        assertThat(api.send("POST", ann + "/sieve-test", alice,
                json(new SieveTestRequest("keep;", "zip", PLAIN_MESSAGE, null))).code()).isEqualTo("invalid-input");
        assertThat(api.delete(ann + "/sieve/zip", alice).status()).isEqualTo(204);
    }

    @Test
    void another_accounts_mailbox_answers_404_on_every_sieve_route() {
        assertThat(put(ann, "mine", "keep;", true).status()).isEqualTo(200);
        String body = json(new SieveTestRequest("keep;", null, PLAIN_MESSAGE, null));
        int routes = 0;
        for (Route r : hostd.http().routes()) {
            if (!r.path().contains("/sieve")) {
                continue;
            }
            routes++;
            String path = r.path().replace("{address}", "ann@example.com").replace("{name}", "mine");
            String json = r.path().endsWith("/rename") ? json(new SieveRename("x"))
                    : r.path().endsWith("sieve-check") ? json(new SieveCheck("keep;"))
                    : r.path().endsWith("sieve-test") ? body
                    : r.method().equals("PUT") ? json(new SievePut("discard;", true)) : null;
            Reply reply = api.send(r.method(), path, bob, json);
            assertThat(reply.problem(404).path("detail").asText()).as(reply.toString())
                    .isEqualTo("no mailbox ann@example.com");
        }
        assertThat(routes).isEqualTo(9);
        assertThat(api.get(ann + "/sieve/mine", alice).json().path("content").asText()).isEqualTo("keep;");
        assertThat(api.get(ann + "/sieve", alice).json().get(0).path("active").asBoolean()).isTrue();
        assertThat(api.delete(ann + "/sieve/mine?deactivate=true", alice).status()).isEqualTo(204);
    }

    @Test
    void the_autoresponder_is_written_as_a_vacation_rule_that_compiles_and_removed_with_it() throws IOException {
        Autoreply reply = new Autoreply("ann@example.com", true, "Away \"until\" \\ Monday",
                "Hello,\n.\n..dots\nI am away; \"quoted\" \\ back soon.\n", java.time.LocalDate.parse("2026-12-01"),
                java.time.LocalDate.parse("2026-12-24"), 3);
        assertThat(api.put(ann + "/autoreply", alice, json(reply)).status()).isEqualTo(200);

        Path file = home("ann").resolve(VacationScript.FILE);
        String script = Files.readString(file);
        assertThat(script).contains("vacation :days 3 :subject \"Away \\\"until\\\" \\\\ Monday\" text:\n")
                .contains("\nHello,\n..\n...dots\nI am away; \"quoted\" \\ back soon.\n.\n;\n")
                .contains("currentdate :value \"ge\" \"date\" \"2026-12-01\"")
                .contains("currentdate :value \"le\" \"date\" \"2026-12-24\"");
        assertThat(SieveTools.of(null, null, java.time.Duration.ofSeconds(10)).compile(script)).isEmpty();
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        assertThat(api.delete(ann + "/autoreply", alice).status()).isEqualTo(200);
        assertThat(file).doesNotExist();
        assertThat(api.delete(ann + "/autoreply", alice).status()).as("off twice").isEqualTo(200);
    }

    @Test
    void a_symlinked_sieve_directory_is_refused_and_nothing_is_written_through_it(@TempDir Path elsewhere)
            throws IOException {
        String max = "/v1/mailboxes/max@example.com";
        Path home = Files.createDirectories(home("max"));
        Path sieve = home.resolve("sieve");
        if (Files.exists(sieve)) {
            try (var files = Files.list(sieve)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(sieve);
        }
        Files.createSymbolicLink(sieve, elsewhere);
        try {
            Reply r = put(max, "evil", "keep;", false);
            assertThat(r.problem(422).path("detail").asText()).contains("symbolic link");
            assertThat(elsewhere.toFile().list()).isEmpty();
        } finally {
            Files.delete(sieve);
        }
    }
}
