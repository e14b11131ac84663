package org.hostctl.cli.cmd.sieve;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve rename}. */
@Command(name = "rename", description = "Rename a script; an active script stays active.",
        footer = {"", "Examples:", "  hostctl sieve rename alice@example.com filters filters-old"})
public final class SieveRenameCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "OLD", description = "Current name.")
    String oldName;

    @Parameters(index = "2", paramLabel = "NEW", description = "New name.")
    String newName;

    public SieveRenameCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScriptInput.name(oldName);
        ScriptInput.name(newName);
        out().one(api().renameSieveScript(address, oldName, newName), SieveColumns.scripts());
        return ExitCodes.OK;
    }
}
