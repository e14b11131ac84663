package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.sieverules.RuleException;
import org.hostctl.cli.sieverules.RuleScript;
import org.hostctl.client.HostApi;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A change to one named rule of a script: loads the script, changes it, stores it when it changed, and prints the
 * rule (or says what happened).
 */
abstract class SieveRuleChange extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "The rule's name.")
    String name;

    @Option(names = "--script", paramLabel = "SCRIPT", order = 100,
            description = "The script; default the active script, else roundcube.")
    String script;

    SieveRuleChange(CliContext context) {
        super(context);
    }

    /** Whether a missing script may be created (only to add a rule). */
    boolean mayCreate() {
        return false;
    }

    /** The changed script; the same instance when nothing changes. */
    abstract RuleScript change(RuleScript rules);

    /** What happened, for stderr; {@code changed} false when nothing had to be stored. */
    abstract String done(String scriptName, boolean changed);

    /** Whether to print the rule afterwards (false when it is gone). */
    boolean printsRule() {
        return true;
    }

    @Override
    protected int execute() {
        out(); // checks -o/--jq before the request
        HostApi api = api();
        RuleScripts.Loaded loaded = RuleScripts.load(api, out(), address, script, mayCreate());
        RuleScript changed;
        try {
            changed = change(loaded.rules());
        } catch (RuleException e) {
            throw RuleScripts.refused(e, address, loaded);
        }
        boolean stored = changed != loaded.rules();
        if (stored) {
            RuleScripts.store(api, out(), address, loaded, changed);
        }
        if (printsRule() && out().format() != Format.table) {
            out().one(changed.rule(name), SieveRuleColumns.rules());
        } else {
            out().info(done(loaded.name(), stored));
        }
        return ExitCodes.OK;
    }
}
