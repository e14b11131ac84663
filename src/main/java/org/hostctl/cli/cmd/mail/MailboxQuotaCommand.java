package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox quota}. */
@Command(name = "quota", description = "Set a mailbox quota; the same quota again changes nothing.",
        footer = {"", "Examples:", "  hostctl mailbox quota alice@example.com 5G",
            "  hostctl mailbox quota alice@example.com 0     # unlimited"})
public final class MailboxQuotaCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Parameters(index = "1", paramLabel = "SIZE", description = "e.g. 500M, 2G; 0 for unlimited.")
    String size;

    public MailboxQuotaCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        long bytes = MailboxCreateCommand.parseSize(size);
        out().one(api().setQuota(address, bytes), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
