package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox show}. */
@Command(name = "show", description = "Show a mailbox: quota, usage, state, created.",
        footer = {"", "Examples:", "  hostctl mailbox show alice@example.com",
            "  hostctl mailbox show alice@example.com -o json --jq .usageBytes"})
public final class MailboxShowCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public MailboxShowCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().mailbox(address), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
