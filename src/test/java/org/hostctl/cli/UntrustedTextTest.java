package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hostctl.api.Json;
import org.hostctl.api.Mailbox;
import org.hostctl.api.Problem;
import org.hostctl.api.SieveScript;
import org.hostctl.client.ApiException;
import org.hostctl.client.HostApi;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text a remote party wrote (display names, scripts, server messages, raw bodies) never reaches the terminal as a
 * control sequence, whatever the output path; CSV never hands a spreadsheet a formula.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class UntrustedTextTest {
    /** OSC retitle, CSI clear screen, a C1 CSI, a bidi override, a line separator, backspace, a lone CR. */
    static final String EVIL = "spam\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202emoc.\u2028x\b\ry";
    static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path home;
    Hostctl hostctl;

    static Mailbox box(String address, String name) {
        return new Mailbox(address, "example.com", name, -5, null, null, "active", T, null, null);
    }

    /** A HostApi answering each named method with the function's value (or throwing it); anything else fails. */
    static HostApi fake(Map<String, Function<Object[], Object>> answers) {
        return (HostApi) Proxy.newProxyInstance(HostApi.class.getClassLoader(), new Class<?>[] {HostApi.class},
                (proxy, method, args) -> {
                    Function<Object[], Object> f = answers.get(method.getName());
                    if (f == null) {
                        throw new AssertionError("unexpected call " + method.getName());
                    }
                    Object r = f.apply(args);
                    if (r instanceof RuntimeException e) {
                        throw e;
                    }
                    return r;
                });
    }

    @BeforeEach
    void client() {
        hostctl = new Hostctl(home).env("HOSTCTL_TOKEN", "t0ken").api(fake(Map.of(
                "mailboxes", a -> List.of(box("a@example.com", EVIL), box("b@example.com",
                        "=HYPERLINK(\"http://evil.example/\",\"click\")"), box("c@example.com", "+1+cmd|' /C calc'!A0"),
                        box("d@example.com", "-2+3"), box("e@example.com", "@SUM(1)"),
                        box("f@example.com", "\tTAB"), box("g@example.com", "-5"), box("h@example.com", "plain")),
                "mailbox", a -> new ApiException(422, new Problem("about:blank", "Unprocessable", 422,
                        "refused: " + EVIL, null, null), "refused: " + EVIL),
                "sieveScript", a -> new SieveScript("s", true, "require \"fileinto\";\r\n# " + EVIL + "\n\tkeep;\n",
                        List.of()),
                "call", a -> new HostApi.RawResponse(200, "text/plain", EVIL.getBytes(StandardCharsets.UTF_8)))));
    }

    static void assertNoControls(String text) {
        assertThat(text.chars().filter(c -> (c < 0x20 && c != '\n') || (c >= 0x7f && c < 0xa0) || c == 0x202e
                || c == 0x2028).toArray()).as("control characters in %s", text).isEmpty();
    }

    @Test
    void a_table_shows_the_escapes() {
        HostctlRun r = hostctl.run("mailbox", "list");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertNoControls(r.out());
        assertThat(r.out()).contains("spam\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202emoc.\\u2028x\\x08\\x0dy");
    }

    @Test
    void csv_escapes_controls_and_quotes_formulas_but_not_numbers() {
        HostctlRun r = hostctl.run("mailbox", "list", "-o", "csv");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertNoControls(r.out().replace("\t", ""));
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).contains("spam\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202emoc.\\u2028x\\x08\\x0dy");
        assertThat(lines.get(2)).contains(",\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",");
        assertThat(lines.get(3)).contains(",'+1+cmd|' /C calc'!A0,");
        assertThat(lines.get(4)).contains(",'-2+3,");
        assertThat(lines.get(5)).contains(",'@SUM(1),");
        assertThat(lines.get(6)).contains(",'\tTAB,");
        assertThat(lines.get(7)).contains(",-5,");
        assertThat(lines.get(8)).contains(",plain,");
    }

    @Test
    void json_writes_controls_as_json_escapes_and_keeps_the_text_exact() throws Exception {
        HostctlRun r = hostctl.run("mailbox", "list", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertNoControls(r.out());
        assertThat(r.out()).contains("\\u009b31m\\u202emoc.\\u2028");
        assertThat(Json.mapper().readTree(r.out()).get(0).path("name").asText()).isEqualTo(EVIL);
    }

    @Test
    void yaml_keeps_the_text_exact_behind_yaml_escapes() throws Exception {
        HostctlRun r = hostctl.run("mailbox", "list", "-o", "yaml");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertNoControls(r.out());
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(r.out());
        assertThat(yaml.get(0).path("name").asText()).isEqualTo(EVIL);
    }

    @Test
    void jq_prints_strings_raw_but_their_controls_escaped() {
        HostctlRun r = hostctl.run("mailbox", "list", "--jq", ".[0].name");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("spam\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202emoc.\\u2028x\\x08\\x0dy\n");
        HostctlRun obj = hostctl.run("mailbox", "list", "--jq", ".[0]");
        assertNoControls(obj.out());
    }

    @Test
    void a_server_message_and_the_verbose_stack_trace_are_escaped() {
        HostctlRun plain = hostctl.run("mailbox", "show", "a@example.com");
        HostctlRun verbose = hostctl.run("-v", "mailbox", "show", "a@example.com");

        assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(plain.err()).startsWith("hostctl: refused: spam\\x1b]0;pwned");
        assertNoControls(plain.err());
        assertThat(verbose.exitCode()).as(verbose.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(verbose.err()).contains("ApiException", "\tat ");
        assertNoControls(verbose.err().replace("\t", ""));
    }

    @Test
    void sieve_get_escapes_controls_on_a_terminal_and_keeps_the_bytes_in_a_pipe() {
        HostctlRun piped = hostctl.run("sieve", "get", "a@example.com", "s");
        HostctlRun terminal = hostctl.terminal(null).run("sieve", "get", "a@example.com", "s");

        assertThat(piped.out()).isEqualTo("require \"fileinto\";\r\n# " + EVIL + "\n\tkeep;\n");
        assertThat(terminal.exitCode()).as(terminal.toString()).isZero();
        assertThat(terminal.out()).isEqualTo("require \"fileinto\";\r\n# spam\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m"
                + "\\u202emoc.\\u2028x\\x08\\x0dy\n\tkeep;\n");
    }

    @Test
    void api_prints_another_body_escaped_on_a_terminal_and_exact_in_a_pipe() {
        HostctlRun piped = hostctl.run("api", "GET", "/v1/x");
        HostctlRun terminal = hostctl.terminal(null).run("api", "GET", "/v1/x");

        assertThat(piped.out()).isEqualTo(EVIL);
        assertThat(terminal.out()).isEqualTo("spam\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202emoc.\\u2028x\\x08\\x0dy");
    }

    @Test
    void hostctls_own_help_keeps_its_colours_while_a_typed_argument_is_escaped() {
        String before = System.getProperty("picocli.ansi");
        System.setProperty("picocli.ansi", "true");
        try {
            HostctlRun help = hostctl.run("mailbox", "--help");
            HostctlRun typo = hostctl.run("mailbox", "\u001b[2J");

            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).contains("\u001b[").doesNotContain("\\x1b");
            assertThat(typo.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(typo.err()).startsWith("hostctl: unknown command 'mailbox \\x1b[2J'");
        } finally {
            if (before == null) {
                System.clearProperty("picocli.ansi");
            } else {
                System.setProperty("picocli.ansi", before);
            }
        }
    }
}
