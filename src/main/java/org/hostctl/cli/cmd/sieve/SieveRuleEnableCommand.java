package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.sieverules.RuleScript;
import picocli.CommandLine.Command;

/** {@code hostctl sieve rule enable}. */
@Command(name = "enable", sortOptions = false, description = "Enable a disabled filter rule.",
        footer = {"",
            "Idempotent: an enabled rule stays as it is and nothing is stored.",
            "",
            "Examples:",
            "  hostctl sieve rule enable alice@example.com \"zip attachments\""})
public final class SieveRuleEnableCommand extends SieveRuleChange {
    public SieveRuleEnableCommand(CliContext context) {
        super(context);
    }

    @Override
    RuleScript change(RuleScript rules) {
        return rules.enable(name, true);
    }

    @Override
    String done(String scriptName, boolean changed) {
        return (changed ? "Enabled the rule " : "The rule is enabled already: ") + name + " in " + scriptName;
    }
}
