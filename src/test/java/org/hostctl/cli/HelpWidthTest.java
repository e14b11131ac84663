package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hostctl.cli.docs.GenerateDocs;
import org.hostctl.server.admin.HostdCommand;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's {@code --help} reads well at 80 columns (and at any width down to 60), for hostctl's whole
 * command tree and hostd's.
 *
 * <p>picocli prints each element of a {@code description} or {@code footer} array on a line of its own and
 * wraps it at the usage width by itself. So the elements follow one rule, checked here:
 * <ul>
 * <li>A blank element separates paragraphs.</li>
 * <li>An element that starts with a space (an example, a row of an aligned table or list) or contains a line
 * break ({@code %n}) is printed as it is: each of its lines must be at most {@value #MAX} characters, so that it
 * is not wrapped at 80 columns.</li>
 * <li>Any other element is prose: a whole paragraph, of any length, that picocli wraps. The element after it
 * must not be prose too: two prose elements in a row are one paragraph hard-wrapped over several elements,
 * which picocli wraps element by element into ragged lines. (Two one-line paragraphs need a blank element
 * between them.)</li>
 * </ul>
 * The usage of every command is also rendered at width 80, and every as-is line must come out whole.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HelpWidthTest {
    static final int MAX = 78;

    @Test
    void hostctl_help_texts_are_whole_paragraphs_and_lines_that_fit_80_columns() {
        CommandLine root = Cli.build(new CliContext(Map.of(), Path.of("/"), System.in, false, p -> null, p -> null,
                (u, t, w) -> null), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> problems = problems(root);
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void hostd_help_texts_are_whole_paragraphs_and_lines_that_fit_80_columns() {
        CommandLine root = HostdCommand.build(Map.of(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        List<String> problems = problems(root);
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void no_help_text_sends_customers_to_a_readme_they_do_not_have() {
        CommandLine root = Cli.build(new CliContext(Map.of(), Path.of("/"), System.in, false, p -> null, p -> null,
                (u, t, w) -> null), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> readme = new ArrayList<>();
        for (CommandSpec spec : GenerateDocs.commands(root.getCommandSpec())) {
            String help = spec.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
            if (help.toLowerCase(java.util.Locale.ROOT).contains("readme")) {
                readme.add(spec.qualifiedName());
            }
        }
        assertThat(readme).as("commands whose help mentions the README").isEmpty();
    }

    @Test
    void the_rule_catches_a_paragraph_hard_wrapped_over_elements_and_a_long_example() {
        assertThat(problems("x", "footer", List.of("", "One row per domain and service: imap (reading mail), lmtp",
                "(delivery into mailboxes).", "", "Examples:",
                "  hostctl status --domain example.com --strict || echo 'example.com has a problem'")))
                .hasSize(2);
        assertThat(problems("x", "footer", List.of("", "A paragraph as long as it likes to be, since picocli wraps it"
                + " at whatever width the terminal has, which it does nicely.", "", "Examples:", "  hostctl status")))
                .isEmpty();
    }

    private static List<String> problems(CommandLine root) {
        List<String> problems = new ArrayList<>();
        for (CommandSpec spec : GenerateDocs.commands(root.getCommandSpec())) {
            String name = spec.qualifiedName();
            problems.addAll(problems(name, "description", Arrays.asList(spec.usageMessage().description())));
            problems.addAll(problems(name, "footer", Arrays.asList(spec.usageMessage().footer())));

            CommandLine cl = spec.commandLine();
            cl.setUsageHelpAutoWidth(false);
            cl.setUsageHelpWidth(80);
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            List<String> lines = help.lines().toList();
            for (String e : spec.usageMessage().footer()) {
                if (asIs(e)) {
                    for (String line : e.replace("%%", "%").split("%n", -1)) {
                        if (!line.isBlank() && !lines.contains(line.stripTrailing())) {
                            problems.add(name + ": footer line not printed whole at 80 columns: " + line);
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> problems(String command, String what, List<String> elements) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            String e = elements.get(i);
            if (asIs(e)) {
                for (String line : e.replace("%%", "%").split("%n", -1)) {
                    if (line.length() > MAX) {
                        problems.add(command + ": " + what + " line longer than " + MAX + ": " + line);
                    }
                }
            } else if (prose(e) && i + 1 < elements.size() && prose(elements.get(i + 1))) {
                problems.add(command + ": " + what + " paragraph continues in the next element: " + e);
            }
        }
        return problems;
    }

    private static boolean asIs(String e) {
        return e.startsWith(" ") || e.contains("%n");
    }

    private static boolean prose(String e) {
        return !e.isBlank() && !asIs(e);
    }
}
