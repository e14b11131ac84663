package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve list}. */
@Command(name = "list", description = "List a mailbox's Sieve scripts and which one is active.",
        footer = {"", "Examples:", "  hostctl sieve list alice@example.com",
            "  hostctl sieve list alice@example.com -o json \\",
            "      --jq '.[] | select(.active) | .name'"})
public final class SieveListCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    public SieveListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().list(api().sieveScripts(address), SieveColumns.scripts());
        return ExitCodes.OK;
    }
}
