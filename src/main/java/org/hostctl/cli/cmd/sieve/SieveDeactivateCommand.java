package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve deactivate}. */
@Command(name = "deactivate", description = "Stop filtering a mailbox's mail; its scripts are kept.",
        footer = {"", "Examples:", "  hostctl sieve deactivate alice@example.com"})
public final class SieveDeactivateCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    public SieveDeactivateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out(); // checks -o/--jq before the request
        api().deactivateSieve(address);
        out().info("No script is active for " + address + " now");
        return ExitCodes.OK;
    }
}
