package org.hostctl.cli.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Renders one command of a picocli tree as a roff man page (man(7) macros), from the same annotations
 * that make {@code --help}: description, options, arguments, subcommands, the footer's text and
 * examples, and the root's exit code list and environment, which apply to every command.
 *
 * <p>Footer conventions (as in hostctl's commands), one array element at a time: a free text element is a
 * paragraph (or a line of one, see {@link Roff#paragraphs}), a blank element separates paragraphs, elements
 * indented by two spaces are shown as they are; everything after an element {@code Examples:} is the
 * EXAMPLES section. On the root, a footer under a heading (e.g. {@code Environment:}) up to
 * {@code Examples:} is a list of {@code NAME  text} lines and makes that section on every page.
 */
public final class ManPage {
    private static final String EXAMPLES = "Examples:";

    private final CommandSpec root;
    private final String source;

    /**
     * @param root the root of the command tree
     * @param source what the .TH line names as the source, e.g. {@code hostctl 0.1.0}
     */
    public ManPage(CommandSpec root, String source) {
        this.root = root;
        this.source = source;
    }

    /** The page's file name: {@code hostctl-php-set.1}. */
    public static String fileName(CommandSpec spec) {
        return pageName(spec) + ".1";
    }

    /** {@code hostctl-php-set}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The whole page of {@code spec}. */
    public String render(CommandSpec spec) {
        Roff r = new Roff();
        String name = pageName(spec);
        r.comment("Generated from hostctl's command tree; do not edit. See README.md, Development.");
        r.macro("TH", name.toUpperCase(Locale.ROOT), "1", "", source, "User Commands");
        r.request("ad l"); // ragged right, no hyphenation: options and URLs stay whole
        r.request("nh");
        r.section("NAME");
        r.text(name + " - " + stripPeriod(first(spec.usageMessage().description())));
        synopsis(r, spec);
        description(r, spec);
        subcommands(r, spec);
        options(r, "OPTIONS", own(spec));
        arguments(r, spec);
        options(r, "GLOBAL OPTIONS", inherited(spec));
        examples(r, spec);
        exitStatus(r);
        environment(r);
        seeAlso(r, spec);
        return r.toString();
    }

    private void synopsis(Roff r, CommandSpec spec) {
        r.section("SYNOPSIS");
        r.macro("B", spec.qualifiedName());
        List<String> words = new ArrayList<>();
        if (!spec.options().isEmpty()) {
            words.add("[" + Roff.italic("OPTIONS") + "]");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String w = Roff.italic(p.paramLabel()) + (p.isMultiValue() ? "..." : "");
            words.add(p.arity().min() > 0 ? w : "[" + w + "]");
        }
        if (!spec.subcommands().isEmpty()) {
            // a command that also runs by itself (mail log, status) takes its subcommand optionally
            boolean runs = spec.userObject() instanceof java.util.concurrent.Callable<?>;
            words.add(runs ? "[" + Roff.italic("COMMAND") + "]" : Roff.italic("COMMAND"));
        }
        r.raw(String.join(" ", words));
    }

    private void description(Roff r, CommandSpec spec) {
        r.section("DESCRIPTION");
        r.paragraphs(resolved(spec.usageMessage().description()));
        if (!hasFooterSection(spec)) {
            List<String> text = beforeExamples(spec);
            if (!text.isEmpty()) {
                r.macro("PP");
                r.paragraphs(text);
            }
        }
    }

    private void subcommands(Roff r, CommandSpec spec) {
        if (spec.subcommands().isEmpty()) {
            return;
        }
        r.section("COMMANDS");
        for (CommandLine sub : new java.util.LinkedHashSet<>(spec.subcommands().values())) {
            CommandSpec s = sub.getCommandSpec();
            if (s.usageMessage().hidden()) {
                continue;
            }
            r.macro("TP");
            r.raw(Roff.bold(s.name()));
            r.text(first(s.usageMessage().description()) + " See " + pageName(s) + "(1).");
        }
    }

    private void options(Roff r, String heading, List<OptionSpec> options) {
        if (options.isEmpty()) {
            return;
        }
        r.section(heading);
        for (OptionSpec o : options) {
            r.macro("TP");
            StringBuilder names = new StringBuilder();
            for (String n : o.names()) {
                names.append(names.length() == 0 ? "" : ", ").append(Roff.bold(n));
            }
            if (o.arity().max() > 0) {
                names.append(' ').append(Roff.italic(o.paramLabel()));
            }
            r.raw(names.toString());
            r.text(String.join(" ", o.description()));
        }
    }

    private void arguments(Roff r, CommandSpec spec) {
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (params.isEmpty()) {
            return;
        }
        r.section("ARGUMENTS");
        for (PositionalParamSpec p : params) {
            r.macro("TP");
            r.raw(Roff.italic(p.paramLabel()) + (p.isMultiValue() ? "..." : ""));
            r.text(String.join(" ", p.description()));
        }
    }

    private void examples(Roff r, CommandSpec spec) {
        List<String> footer = footer(spec);
        int at = footer.indexOf(EXAMPLES);
        if (at < 0) {
            return;
        }
        r.section("EXAMPLES");
        r.preformatted(footer.subList(at + 1, footer.size()).stream()
                .flatMap(e -> java.util.Arrays.stream(e.split("\n", -1))).map(ManPage::unindent).toList());
    }

    private void exitStatus(Roff r) {
        Map<String, String> codes = root.usageMessage().exitCodeList();
        if (codes.isEmpty()) {
            return;
        }
        r.section("EXIT STATUS");
        for (Map.Entry<String, String> e : codes.entrySet()) {
            r.macro("TP");
            r.raw(Roff.bold(e.getKey().trim()));
            r.text(e.getValue().trim());
        }
    }

    private void environment(Roff r) {
        if (!hasFooterSection(root)) {
            return;
        }
        r.section(heading(root).toUpperCase(Locale.ROOT));
        for (String line : beforeExamples(root)) {
            String[] nameAndText = line.trim().split("\\s{2,}", 2);
            r.macro("TP");
            r.raw(Roff.bold(nameAndText[0]));
            if (nameAndText.length > 1) {
                r.text(nameAndText[1]);
            }
        }
    }

    private void seeAlso(Roff r, CommandSpec spec) {
        List<String> refs = new ArrayList<>();
        if (spec.parent() != null) {
            refs.add(Roff.bold(pageName(spec.parent())) + "(1)");
        }
        for (CommandLine sub : new java.util.LinkedHashSet<>(spec.subcommands().values())) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                refs.add(Roff.bold(pageName(sub.getCommandSpec())) + "(1)");
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        r.section("SEE ALSO");
        r.raw(String.join(",\n", refs));
    }

    private static List<OptionSpec> own(CommandSpec spec) {
        return sorted(spec.options().stream().filter(o -> !o.hidden() && !o.inherited()).toList());
    }

    private static List<OptionSpec> inherited(CommandSpec spec) {
        return sorted(spec.options().stream().filter(o -> !o.hidden() && o.inherited()).toList());
    }

    private static List<OptionSpec> sorted(List<OptionSpec> options) {
        List<OptionSpec> l = new ArrayList<>(options);
        l.sort(Comparator.comparingInt(OptionSpec::order)); // stable: declaration order among equals
        return l;
    }

    /** The footer's elements, with picocli's format escapes resolved ({@code %n} to a line break). */
    private static List<String> footer(CommandSpec spec) {
        return resolved(spec.usageMessage().footer());
    }

    /** Elements of a description or footer with {@code %n} and {@code %%} resolved, trailing space removed. */
    private static List<String> resolved(String[] elements) {
        List<String> resolved = new ArrayList<>();
        for (String e : elements) {
            resolved.add(e.replace("%n", "\n").replace("%%", "%").replaceAll("[ \t]+(?=\n|$)", ""));
        }
        return resolved;
    }

    private static List<String> beforeExamples(CommandSpec spec) {
        List<String> footer = footer(spec);
        int at = footer.indexOf(EXAMPLES);
        List<String> text = new ArrayList<>(at < 0 ? footer : footer.subList(0, at));
        while (!text.isEmpty() && text.get(0).isBlank()) {
            text.remove(0);
        }
        while (!text.isEmpty() && text.get(text.size() - 1).isBlank()) {
            text.remove(text.size() - 1);
        }
        return text;
    }

    private static boolean hasFooterSection(CommandSpec spec) {
        return !heading(spec).isEmpty();
    }

    private static String heading(CommandSpec spec) {
        return spec.usageMessage().footerHeading().replace("%n", "").trim().replaceAll(":$", "");
    }

    private static String unindent(String line) {
        return line.startsWith("  ") ? line.substring(2) : line;
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    private static String stripPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
