package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.sieverules.RuleScript;
import picocli.CommandLine.Command;

/** {@code hostctl sieve rule remove}. */
@Command(name = "remove", sortOptions = false, description = "Remove a filter rule.",
        footer = {"",
            "The other rules stay byte for byte; the script's require line keeps only what the rules still use.",
            "",
            "Examples:",
            "  hostctl sieve rule remove alice@example.com \"zip attachments\"",
            "  hostctl sieve rule remove alice@example.com newsletters --script filters"})
public final class SieveRuleRemoveCommand extends SieveRuleChange {
    public SieveRuleRemoveCommand(CliContext context) {
        super(context);
    }

    @Override
    RuleScript change(RuleScript rules) {
        return rules.remove(name);
    }

    @Override
    boolean printsRule() {
        return false;
    }

    @Override
    String done(String scriptName, boolean changed) {
        return "Removed the rule " + name + " from " + scriptName;
    }
}
