package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve rule list}. */
@Command(name = "list", description = "List the filter rules of a script as the webmail shows them.",
        footer = {"",
            "Each rule with its name, whether it is enabled, and its tests and actions in words; -o json gives them "
                    + "as data (name, enabled, join, tests, actions) with the rule's Sieve text. A rule hostctl does "
                    + "not understand (a date test, a vacation) is listed with its text only. No script: no rules. A "
                    + "script not in the webmail's format is listed as raw statements, with the reason on stderr.",
            "",
            "Examples:",
            "  hostctl sieve rule list alice@example.com",
            "  hostctl sieve rule list alice@example.com roundcube -o json \\",
            "      --jq '.[] | select(.enabled) | .name'"})
public final class SieveRuleListCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SCRIPT",
            description = "Script name; default the active script, else roundcube.")
    String script;

    public SieveRuleListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out(); // checks -o/--jq before the request
        RuleScripts.Loaded loaded = RuleScripts.load(api(), out(), address, script, false, true);
        if (!loaded.rules().webmail()) {
            out().warn(Printable.of(loaded.name() + " is not in the webmail's rule format ("
                    + loaded.rules().reason() + "); its statements are listed as raw rules"));
        }
        out().list(loaded.rules().rules(), SieveRuleColumns.rules());
        return ExitCodes.OK;
    }
}
