package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.sieverules.RuleScript;
import picocli.CommandLine.Command;

/** {@code hostctl sieve rule disable}. */
@Command(name = "disable", sortOptions = false, description = "Disable a filter rule without removing it.",
        footer = {"",
            "Written as the webmail writes a disabled rule ('if false # TESTS'), so it shows there as disabled too. "
                    + "Idempotent.",
            "",
            "Examples:",
            "  hostctl sieve rule disable alice@example.com \"zip attachments\""})
public final class SieveRuleDisableCommand extends SieveRuleChange {
    public SieveRuleDisableCommand(CliContext context) {
        super(context);
    }

    @Override
    RuleScript change(RuleScript rules) {
        return rules.enable(name, false);
    }

    @Override
    String done(String scriptName, boolean changed) {
        return (changed ? "Disabled the rule " : "The rule is disabled already: ") + name + " in " + scriptName;
    }
}
