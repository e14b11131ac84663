package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hostctl.cli.docs.GenerateDocs;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The committed man pages and completion scripts are what the command tree generates today. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DocsDriftTest {
    private static final Path PROJECT = Path.of(System.getProperty("hostctl.project.dir", "."));

    @Test
    void committed_man_pages_and_completions_match_the_command_tree() throws IOException {
        Map<String, String> generated = GenerateDocs.generate();
        List<String> existing = GenerateDocs.existing(PROJECT);
        List<String> problems = new ArrayList<>();
        String run = "; run '" + GenerateDocs.COMMAND + "' and commit the result";
        for (Map.Entry<String, String> f : generated.entrySet()) {
            Path file = PROJECT.resolve(f.getKey());
            if (!Files.exists(file)) {
                problems.add(f.getKey() + " is missing" + run);
            } else if (!Arrays.equals(Files.readAllBytes(file), f.getValue().getBytes(StandardCharsets.UTF_8))) {
                problems.add(f.getKey() + " is out of date" + run);
            }
        }
        for (String f : existing) {
            if (!generated.containsKey(f)) {
                problems.add(f + " is not generated from any command (any more)" + run);
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void there_is_a_man_page_for_every_command() {
        assertThat(GenerateDocs.generate().keySet()).contains("man/hostctl.1", "man/hostctl-php.1",
                "man/hostctl-php-set.1", "man/hostctl-php-show.1", "man/hostctl-auth-login.1", "man/hostctl-api.1",
                "man/hostctl-completion.1", "completions/hostctl.bash", "completions/hostctl.zsh");
    }

    @Test
    void every_leaf_command_has_examples_in_its_footer() {
        List<String> without = new ArrayList<>();
        for (CommandSpec spec : GenerateDocs.commands(wholeTree().getCommandSpec())) {
            if (spec.subcommands().isEmpty() && !Arrays.asList(spec.usageMessage().footer()).contains("Examples:")) {
                without.add(spec.qualifiedName());
            }
        }
        assertThat(without).as("leaf commands without an 'Examples:' footer").isEmpty();
    }

    @Test
    void root_help_lists_every_command_and_the_exit_codes() {
        String help = wholeTree().getUsageMessage();
        assertThat(help).contains("  auth ", "  php ", "  api ", "  completion ", "Exit codes:", "  0   Success.",
                "  6   Unavailable: cannot connect, timeout, or the service is down.");
    }

    private static CommandLine wholeTree() {
        return Cli.build(new CliContext(Map.of(), Path.of("/"), System.in, false, p -> null, p -> null,
                (u, t, w) -> null),
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
    }
}
