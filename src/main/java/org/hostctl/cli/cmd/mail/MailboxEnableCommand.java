package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox enable}. */
@Command(name = "enable", description = "Enable a disabled mailbox again.",
        footer = {"", "Doing it twice changes nothing and succeeds.", "", "Examples:", "  hostctl mailbox enable alice@example.com"})
public final class MailboxEnableCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public MailboxEnableCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().mailboxAction(address, "enable"), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
