package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve delete}. */
@Command(name = "delete", sortOptions = false, description = "Delete a Sieve script.",
        footer = {"",
            "The active script is deleted only with --deactivate, which leaves the mailbox unfiltered. Asks for "
                    + "confirmation on a terminal; needs --yes otherwise.",
            "",
            "Examples:",
            "  hostctl sieve delete alice@example.com filters-old",
            "  hostctl sieve delete alice@example.com filters --deactivate --yes"})
public final class SieveDeleteCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "Script name.")
    String name;

    @Option(names = "--deactivate", description = "Also when it is the active script.")
    boolean deactivate;

    public SieveDeleteCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScriptInput.name(name);
        out(); // checks -o/--jq before asking
        confirm("Delete Sieve script " + name + " of " + address);
        api().deleteSieveScript(address, name, deactivate);
        out().info("Deleted Sieve script " + name + " of " + address);
        return ExitCodes.OK;
    }
}
