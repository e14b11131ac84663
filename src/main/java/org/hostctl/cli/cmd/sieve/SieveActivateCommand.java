package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve activate}. */
@Command(name = "activate", description = "Make a script the active one; the one active before stops running.",
        footer = {"", "Examples:", "  hostctl sieve activate alice@example.com filters"})
public final class SieveActivateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "Script name.")
    String name;

    public SieveActivateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScriptInput.name(name);
        out().one(api().activateSieveScript(address, name), SieveColumns.scripts());
        return ExitCodes.OK;
    }
}
