package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.sieverules.RuleScript;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostctl sieve rule move}. */
@Command(name = "move", sortOptions = false, description = "Move a filter rule before another, or to the end.",
        footer = {"",
            "Rules run in order; a rule that stops or discards keeps later ones from seeing the message.",
            "",
            "Examples:",
            "  hostctl sieve rule move alice@example.com \"zip attachments\" \\",
            "      --before newsletters",
            "  hostctl sieve rule move alice@example.com spam --last"})
public final class SieveRuleMoveCommand extends SieveRuleChange {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--before", paramLabel = "OTHER", description = "Put it right before the rule OTHER.")
        String before;

        @Option(names = "--last", description = "Put it after every other rule.")
        boolean last;
    }

    public SieveRuleMoveCommand(CliContext context) {
        super(context);
    }

    @Override
    RuleScript change(RuleScript rules) {
        RuleScript moved = rules.move(name, where.before);
        return moved.text().equals(rules.text()) ? rules : moved;
    }

    @Override
    String done(String scriptName, boolean changed) {
        String place = where.before == null ? "to the end" : "before " + where.before;
        return (changed ? "Moved the rule " : "The rule is in place already: ") + name + " " + place + " in "
                + scriptName;
    }
}
