package org.hostctl.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostctl.api.Json;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NoticeCommandTest {
    @TempDir
    Path tmp;

    Path data;
    Path body;

    @BeforeEach
    void config() throws IOException {
        data = org.hostctl.support.TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), """
                mail:
                  backends:
                    - {name: mx-a, host: 127.0.0.1, imapPort: 1, lmtpPort: 1, domains: [a.example]}
                """);
        body = tmp.resolve("body.txt");
        Files.writeString(body, "Mail to a.example is delayed.\n\nWe are on it.\n");
    }

    private HostctlRun hostd(String... args) {
        return org.hostctl.support.HostdAdmin.run(data, args);
    }

    @Test
    void add_prints_the_number_list_shows_open_ones_and_resolve_is_idempotent() throws IOException {
        HostctlRun add = hostd("notice", "add", "--service", "mail", "--backend", "mx-a", "--title", "mx-a is down",
                "--body-file", body.toString());
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).isEqualTo("1\n");
        assertThat(add.err()).contains("notice 1").contains("mx-a");
        HostctlRun general = hostd("notice", "add", "--service", "all", "--title", "Maintenance", "--body-file",
                body.toString(), "-o", "json");
        JsonNode g = Json.mapper().readTree(general.out());
        assertThat(g.path("id").asLong()).isEqualTo(2);
        assertThat(g.has("backend")).isFalse();
        assertThat(g.path("body").asText()).isEqualTo("Mail to a.example is delayed.\n\nWe are on it.");

        HostctlRun list = hostd("notice", "list");
        assertThat(list.out().lines()).hasSize(3);
        assertThat(list.out()).contains("mx-a is down").contains("Maintenance");

        HostctlRun update = hostd("notice", "update", "1", "--title", "mx-a is back", "-o", "json");
        assertThat(update.exitCode()).as(update.toString()).isZero();
        JsonNode u = Json.mapper().readTree(update.out());
        assertThat(u.path("title").asText()).isEqualTo("mx-a is back");
        assertThat(u.path("body").asText()).as("the text is kept").isEqualTo("Mail to a.example is delayed.\n\nWe are on it.");
        assertThat(u.path("updatedAt").asText()).isNotEmpty();
        HostctlRun nothing = hostd("notice", "update", "1");
        assertThat(nothing.exitCode()).isEqualTo(5);
        assertThat(nothing.err()).contains("new title");
        assertThat(hostd("notice", "update", "9", "--title", "x").exitCode()).isEqualTo(3);

        assertThat(hostd("notice", "resolve", "1").exitCode()).isZero();
        HostctlRun again = hostd("notice", "resolve", "1", "-o", "json");
        assertThat(again.exitCode()).isZero();
        String resolvedAt = Json.mapper().readTree(again.out()).path("resolvedAt").asText();
        assertThat(resolvedAt).isNotEmpty();
        assertThat(hostd("notice", "list").out()).doesNotContain("mx-a is back");
        assertThat(hostd("notice", "list", "--all").out()).contains("mx-a is back").contains(resolvedAt);
    }

    @Test
    void bad_input_names_the_problem_and_posts_nothing() throws IOException {
        Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
        Files.writeString(tmp.resolve("ctl.txt"), "ring \u0007 bell");
        String[][] cases = {
            {"--service", "mail", "--backend", "mx-z", "--title", "t", "--body-file", body.toString()},
            {"--service", "web", "--backend", "mx-a", "--title", "t", "--body-file", body.toString()},
            {"--service", "dns", "--title", "t", "--body-file", body.toString()},
            {"--service", "all", "--title", "two\nlines", "--body-file", body.toString()},
            {"--service", "all", "--title", " ", "--body-file", body.toString()},
            {"--service", "all", "--title", "t", "--body-file", tmp.resolve("missing.txt").toString()},
            {"--service", "all", "--title", "t", "--body-file", tmp.resolve("latin1.txt").toString()},
            {"--service", "all", "--title", "t", "--body-file", tmp.resolve("ctl.txt").toString()},
            {"--service", "all", "--title", "t", "--body-file", tmp.toString()},
        };
        String[] expected = {"mx-z", "--service mail", "service must be", "title", "title", "missing.txt", "UTF-8",
            "U+0007 (BEL) at character 6", "not a readable file"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 2];
            args[0] = "notice";
            args[1] = "add";
            System.arraycopy(cases[i], 0, args, 2, cases[i].length);
            HostctlRun run = hostd(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.err().lines()).as(run.toString()).hasSize(1);
            assertThat(run.err()).as(run.toString()).contains(expected[i]);
            assertThat(run.out()).isEmpty();
        }
        assertThat(hostd("notice", "list", "--all", "-o", "json").out().strip()).isEqualTo("[ ]");
        HostctlRun missing = hostd("notice", "resolve", "42");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("no notice 42");
    }

    @Test
    void status_lists_the_recorded_checks_and_exits_6_when_one_is_down() throws IOException {
        HostctlRun empty = hostd("status");
        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.err()).contains("hostd serve");

        try (org.hostctl.server.Hostd h = org.hostctl.server.Hostd.open(data, java.time.Clock.systemUTC())) {
            h.serve("127.0.0.1", 0);
            h.monitor().runOnce();
        }
        HostctlRun run = hostd("status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
        assertThat(run.out()).containsPattern("mail/mx-a/imap +down").containsPattern("mail/mx-a/lmtp +down")
                .containsPattern("store +ok");
        JsonNode json = Json.mapper().readTree(hostd("status", "-o", "json").out());
        assertThat(json).extracting(c -> c.path("id").asText()).containsExactly("mail/mx-a/imap", "mail/mx-a/lmtp",
                "store");
    }
}
