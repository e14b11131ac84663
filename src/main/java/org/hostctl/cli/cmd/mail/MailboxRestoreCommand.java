package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox restore}. */
@Command(name = "restore", description = "Bring back a deleted mailbox with its mail, before it is purged.",
        footer = {"", "Doing it twice changes nothing and succeeds.", "", "Examples:", "  hostctl mailbox restore alice@example.com"})
public final class MailboxRestoreCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public MailboxRestoreCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().mailboxAction(address, "restore"), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
