package org.hostctl.cli.shell;

import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Completes the interactive shell's line from hostctl's command tree: the subcommands of the command named so
 * far, its options (after a {@code -}) and the values of an option with a fixed set ({@code -o json}).
 */
final class ShellCompleter implements Completer {
    private final CommandSpec root;

    ShellCompleter(CommandSpec root) {
        this.root = root;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> before = line.words().subList(0, Math.min(line.wordIndex(), line.words().size()));
        String word = line.word() == null ? "" : line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        CommandSpec spec = root;
        OptionSpec pending = null;
        for (String w : before) {
            if (pending != null) {
                pending = null;
            } else if (w.startsWith("-") && w.length() > 1) {
                OptionSpec o = spec.findOption(w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
                if (o != null && o.arity().max() > 0 && !w.contains("=")) {
                    pending = o;
                }
            } else {
                CommandLine sub = spec.subcommands().get(w);
                if (sub != null) {
                    spec = sub.getCommandSpec();
                }
            }
        }
        if (pending != null) {
            if (pending.completionCandidates() != null) {
                for (String v : pending.completionCandidates()) {
                    candidates.add(new Candidate(v));
                }
            }
            return;
        }
        if (word.startsWith("-")) {
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                for (String name : o.names()) {
                    candidates.add(new Candidate(name, name, "options", first(o.description()), null, null, true));
                }
            }
            return;
        }
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            if (s.usageMessage().hidden() || (spec == root && e.getKey().equals("shell"))) {
                continue;
            }
            candidates.add(new Candidate(e.getKey(), e.getKey(), "commands", first(s.usageMessage().description()),
                    null, null, true));
        }
    }

    private static String first(String[] description) {
        if (description == null || description.length == 0) {
            return null;
        }
        String d = description[0];
        for (int dot = d.indexOf(". "); dot > 0; dot = d.indexOf(". ", dot + 1)) {
            if (dot + 2 < d.length() && Character.isUpperCase(d.charAt(dot + 2))) {
                return d.substring(0, dot + 1); // the first sentence ("e.g. x" does not end one)
            }
        }
        return d;
    }
}
