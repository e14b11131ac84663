package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox disable}. */
@Command(name = "disable", description = "Disable a mailbox: it cannot log in and mail to it is refused; nothing is lost.",
        footer = {"", "Doing it twice changes nothing and succeeds.", "", "Examples:", "  hostctl mailbox disable alice@example.com --yes"})
public final class MailboxDisableCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public MailboxDisableCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        confirm("Disable mailbox " + address);
        out().one(api().mailboxAction(address, "disable"), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
