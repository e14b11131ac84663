package org.hostctl.cli.cmd.mail;

import org.hostctl.api.Mailbox;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox delete}. */
@Command(name = "delete", description = "Delete a mailbox; its mail is kept until the purge date and it can be restored.",
        footer = {"", "Asks for confirmation on a terminal; needs --yes otherwise.", "",
            "Examples:", "  hostctl mailbox delete old@example.com", "  hostctl mailbox delete old@example.com --yes"})
public final class MailboxDeleteCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public MailboxDeleteCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        confirm("Delete mailbox " + address);
        Mailbox m = api().deleteMailbox(address);
        out().one(m, MailColumns.mailboxes(out()));
        if (m.purgeAfter() != null) {
            out().info("Deleted " + m.address() + "; 'hostctl mailbox restore " + m.address()
                    + "' brings it back until " + m.purgeAfter());
        }
        return ExitCodes.OK;
    }
}
