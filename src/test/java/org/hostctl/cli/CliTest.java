package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.hostctl.cli.cmd.HostctlCommand;
import org.hostctl.cli.output.Format;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@link Cli#forArgs} builds only the command group a command line names, and parses it like the whole tree. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CliTest {
    private static final CliContext CONTEXT = new CliContext(Map.of(), Path.of("/"),
            new ByteArrayInputStream(new byte[0]), false, prompt -> null, prompt -> null, (url, token, trace) -> {
                throw new AssertionError("no API in parse tests");
            });

    private static CommandLine lazy(String... args) {
        return Cli.forArgs(CONTEXT, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }

    private static CommandLine whole() {
        return Cli.build(CONTEXT, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    static Stream<Arguments> commandLines() {
        return Stream.of(
                Arguments.of("php", new String[] {"php", "show"}),
                Arguments.of("php", new String[] {"-o", "json", "php", "show", "public_html"}),
                Arguments.of("php", new String[] {"--output=yaml", "php", "versions"}),
                Arguments.of("php", new String[] {"-ojson", "php", "show"}),
                Arguments.of("php", new String[] {"-vo", "json", "php", "show"}),
                Arguments.of("php", new String[] {"-vy", "--api-url", "http://x", "--profile", "p", "php", "unset", "a"}),
                Arguments.of("php", new String[] {"--jq", ".[]", "--no-headers", "php", "show"}),
                Arguments.of("auth", new String[] {"--profile=work", "auth", "status"}),
                Arguments.of("api", new String[] {"api", "GET", "/v1/me"}),
                Arguments.of("sieve", new String[] {"-o", "json", "sieve", "test", "a@example.com", "f.sieve",
                    "--message", "m.eml"}),
                Arguments.of("mail", new String[] {"mail", "log", "--since", "2h", "--to", "a@b.example"}),
                Arguments.of("mail", new String[] {"-o", "json", "mail", "log", "show", "4BC2D1F2A3"}),
                Arguments.of("mail", new String[] {"mail", "log", "stats", "--by", "hour", "-o", "csv"}),
                Arguments.of("status", new String[] {"status", "--strict", "--domain", "a.example"}),
                Arguments.of("status", new String[] {"-o", "json", "status", "--watch", "--count", "3"}),
                Arguments.of("status", new String[] {"status", "history", "--days", "7"}),
                Arguments.of("php", new String[] {"php", "--help"}),
                Arguments.of("php", new String[] {"php", "show", "--help"}),
                Arguments.of("sieve", new String[] {"sieve", "rule", "add", "a@example.com", "r", "--from",
                    "--contains", "x", "--discard"}),
                Arguments.of("sieve", new String[] {"-o", "json", "sieve", "rule", "list", "a@example.com"}),
                Arguments.of("mailbox", new String[] {"mailbox", "list", "example.com"}),
                Arguments.of("shell", new String[] {"-o", "json", "shell", "--keep-going", "--jsonl", "jobs.txt"}));
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void a_command_line_naming_a_group_builds_only_that_group(String group, String[] args) {
        assertThat(lazy(args).getSubcommands().keySet()).containsExactly(group);
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void the_lazy_tree_parses_like_the_whole_tree(String group, String[] args) {
        ParseResult lazy = lazy(args).parseArgs(args);
        ParseResult whole = whole().parseArgs(args);
        assertThat(names(lazy)).isEqualTo(names(whole));
        assertThat(options(lazy)).isEqualTo(options(whole));
    }

    @Test
    void a_plain_group_gets_only_the_subcommand_named() {
        assertThat(subcommands(lazy("-o", "json", "php", "show"), "php")).containsExactly("show");
        assertThat(subcommands(lazy("sieve", "rule", "add"), "sieve")).containsExactly("rule");
        assertThat(lazy("sieve", "rule", "add").getSubcommands().get("sieve").getSubcommands().get("rule")
                .getSubcommands().keySet()).containsExactly("add");
        // no subcommand named, or one the group does not have: the whole group, for its help and suggestions
        assertThat(subcommands(lazy("php"), "php")).hasSize(6);
        assertThat(subcommands(lazy("php", "--help"), "php")).hasSize(6);
        assertThat(subcommands(lazy("php", "shw"), "php")).hasSize(6);
        // a group that runs something itself (mail log) is built whole
        assertThat(lazy("mail", "log", "show", "X").getSubcommands().get("mail").getSubcommands().get("log")
                .getSubcommands().keySet()).containsExactly("show", "stats");
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void the_lazy_tree_prints_what_the_whole_tree_prints(String group, String[] args) {
        StringWriter lazyOut = new StringWriter();
        StringWriter lazyErr = new StringWriter();
        StringWriter wholeOut = new StringWriter();
        StringWriter wholeErr = new StringWriter();
        String[] checked = Stream.concat(Stream.of(args), Stream.of("--bogus-option")).toArray(String[]::new);
        int lazyCode = Cli.forArgs(CONTEXT, new PrintWriter(lazyOut), new PrintWriter(lazyErr), checked)
                .execute(checked);
        int wholeCode = Cli.build(CONTEXT, new PrintWriter(wholeOut), new PrintWriter(wholeErr)).execute(checked);
        assertThat(lazyErr.toString()).isEqualTo(wholeErr.toString());
        assertThat(lazyOut.toString()).isEqualTo(wholeOut.toString());
        assertThat(lazyErr.toString() + lazyOut.toString()).isNotBlank();
        assertThat(lazyCode).isEqualTo(wholeCode);
    }

    @Test
    void leaf_help_is_the_same_from_the_lazy_tree() {
        for (String[] args : new String[][] {{"php", "show", "--help"}, {"sieve", "rule", "add", "-h"}}) {
            StringWriter lazyOut = new StringWriter();
            StringWriter wholeOut = new StringWriter();
            Cli.forArgs(CONTEXT, new PrintWriter(lazyOut), new PrintWriter(new StringWriter()), args).execute(args);
            Cli.build(CONTEXT, new PrintWriter(wholeOut), new PrintWriter(new StringWriter())).execute(args);
            assertThat(lazyOut.toString()).isEqualTo(wholeOut.toString()).contains("Usage: hostctl " + args[0]);
        }
    }

    @Test
    void inherited_options_given_after_the_subcommand_reach_the_root() {
        CommandLine cmd = lazy("php", "show", "-o", "json", "--api-url", "http://h:1");
        cmd.parseArgs("php", "show", "-o", "json", "--api-url", "http://h:1");
        HostctlCommand root = cmd.getCommand();
        assertThat(root.options().output()).isEqualTo(Format.json);
        assertThat(root.options().apiUrl()).isEqualTo("http://h:1");
    }

    @Test
    void root_help_an_unknown_command_options_only_and_completion_build_the_whole_tree() {
        String[] all = {"auth", "php", "domain", "mailbox", "alias", "autoreply", "sieve", "mail", "status",
            "api", "shell", "completion"};
        assertThat(lazy("--help").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy().getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("phpp", "show").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("--bogus", "php").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("-o", "json").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("--", "php").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("completion", "bash").getSubcommands().keySet()).containsExactly(all);
        // picocli refuses a command name as an option value; the whole tree makes it say so
        assertThat(lazy("--profile", "php", "auth", "status").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("--profile=php", "auth", "status").getSubcommands().keySet()).containsExactly(all);
        assertThat(lazy("-o", "php", "show").getSubcommands().keySet()).containsExactly(all);
    }

    private static java.util.Set<String> subcommands(CommandLine root, String group) {
        return root.getSubcommands().get(group).getSubcommands().keySet();
    }

    private static String names(ParseResult r) {
        StringBuilder b = new StringBuilder();
        for (ParseResult p = r; p != null; p = p.subcommand()) {
            b.append(p.commandSpec().qualifiedName()).append('|');
        }
        return b.toString();
    }

    private static String options(ParseResult r) {
        HostctlCommand root = (HostctlCommand) r.commandSpec().userObject();
        return root.options().toString();
    }
}
