package org.hostctl.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ManPageTest {

    @Command(name = "tool", description = "Do tool things.", subcommands = Leaf.class,
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:Fine.", "7:Broken."},
            footerHeading = "%nEnvironment:%n",
            footer = {"  TOOL_HOME   where it lives", "  NO_COLOR    no colour", "", "Examples:", "  tool leaf x"})
    static final class Root {
        @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Say more.")
        boolean verbose;
    }

    @Command(name = "leaf", description = "Make a leaf.",
            footer = {"", "Free text that fills a paragraph.", "", "A line of its own,", "the next one%nand a break.", "",
                ".dotted line and \\backslash",
                "  kept  as is", "", "Examples:", "  tool leaf --size 2 'a b'   # quoted", "  tool leaf ~/x"})
    static final class Leaf {
        @Option(names = {"-s", "--size"}, paramLabel = "N", description = "Size: ${COMPLETION-CANDIDATES}.")
        Size size;

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Names.")
        List<String> names;

        @Parameters(paramLabel = "EXTRA", arity = "0..1", index = "1", hidden = true)
        String extra;
    }

    enum Size { small, large }

    private static final CommandLine TOOL = new CommandLine(new Root());

    private static String page(String name) {
        CommandLine cmd = name.isEmpty() ? TOOL : TOOL.getSubcommands().get(name);
        return new ManPage(TOOL.getCommandSpec(), "tool 1.0").render(cmd.getCommandSpec());
    }

    @Nested
    class Escaping {
        @Test
        void hyphens_quotes_backslashes_tilde_and_caret_print_as_themselves() {
            assertThat(Roff.escape("--a 'b' `c` \\d ~/e ^f")).isEqualTo("\\-\\-a \\(aqb\\(aq \\(gac\\(ga \\ed \\(ti/e \\(haf");
        }

        @Test
        void control_characters_are_refused() {
            assertThatThrownBy(() -> Roff.escape("a\u001bb")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void a_text_line_starting_with_a_dot_or_apostrophe_is_not_a_request() {
            Roff r = new Roff();
            r.text(".x");
            r.raw("'y");
            assertThat(r.toString()).isEqualTo("\\&.x\n\\&'y\n");
        }

        @Test
        void macro_arguments_are_quoted_with_double_quotes_escaped() {
            Roff r = new Roff();
            r.macro("TH", "a \"b\"", "1");
            assertThat(r.toString()).isEqualTo(".TH \"a \\(dqb\\(dq\" \"1\"\n");
        }
    }

    @Test
    void a_leaf_page_has_every_section_in_order() {
        assertThat(page("leaf")).isEqualTo("""
                .\\" Generated from hostctl's command tree; do not edit. See README.md, Development.
                .TH "TOOL\\-LEAF" "1" "" "tool 1.0" "User Commands"
                .ad l
                .nh
                .SH "NAME"
                tool\\-leaf \\- Make a leaf
                .SH "SYNOPSIS"
                .B "tool leaf"
                [\\fIOPTIONS\\fR] \\fINAME\\fR...
                .SH "DESCRIPTION"
                Make a leaf.
                .PP
                Free text that fills a paragraph.
                .PP
                A line of its own,
                .br
                the next one
                .br
                and a break.
                .PP
                \\&.dotted line and \\ebackslash
                .RS 4
                .nf
                kept  as is
                .fi
                .RE
                .SH "OPTIONS"
                .TP
                \\fB\\-s\\fR, \\fB\\-\\-size\\fR \\fIN\\fR
                Size: small, large.
                .SH "ARGUMENTS"
                .TP
                \\fINAME\\fR...
                Names.
                .SH "GLOBAL OPTIONS"
                .TP
                \\fB\\-v\\fR, \\fB\\-\\-verbose\\fR
                Say more.
                .SH "EXAMPLES"
                .RS 4
                .nf
                tool leaf \\-\\-size 2 \\(aqa b\\(aq   # quoted
                tool leaf \\(ti/x
                .fi
                .RE
                .SH "EXIT STATUS"
                .TP
                \\fB0\\fR
                Fine.
                .TP
                \\fB7\\fR
                Broken.
                .SH "ENVIRONMENT"
                .TP
                \\fBTOOL_HOME\\fR
                where it lives
                .TP
                \\fBNO_COLOR\\fR
                no colour
                .SH "SEE ALSO"
                \\fBtool\\fR(1)
                """);
    }

    @Test
    void the_root_page_lists_its_commands_and_keeps_the_environment_out_of_the_description() {
        String root = page("");
        assertThat(root).contains(".SH \"COMMANDS\"\n.TP\n\\fBleaf\\fR\nMake a leaf. See tool\\-leaf(1).\n")
                .contains(".SH \"SYNOPSIS\"\n.B \"tool\"\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR\n")
                .contains(".SH \"DESCRIPTION\"\nDo tool things.\n.SH \"COMMANDS\"")
                .contains(".SH \"SEE ALSO\"\n\\fBtool\\-leaf\\fR(1)\n");
    }

    @Test
    void groff_formats_every_hostctl_page_without_warnings(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed");
        for (Map.Entry<String, String> f : GenerateDocs.generate().entrySet()) {
            if (!f.getKey().startsWith("man/")) {
                continue;
            }
            Path page = Files.writeString(tmp.resolve("page.1"), f.getValue());
            Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", page.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(output).as(f.getKey()).isEmpty();
            assertThat(p.exitValue()).as(f.getKey()).isZero();
        }
    }

    @Test
    void formatted_pages_show_options_and_examples_with_plain_ascii(@TempDir Path tmp) throws IOException,
            InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed");
        Path page = Files.writeString(tmp.resolve("tool-leaf.1"), page("leaf"));
        Process p = new ProcessBuilder("groff", "-man", "-Tutf8", page.toString()).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\u001b\\[[0-9;]*m", "").replaceAll(".\b", "");
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(text).contains("tool leaf --size 2 'a b'   # quoted", "tool leaf ~/x", "-s, --size N");
    }
}
