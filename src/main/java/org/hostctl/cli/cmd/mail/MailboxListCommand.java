package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox list}. */
@Command(name = "list", description = "List your mailboxes, deleted ones included until they are purged.",
        footer = {"", "Examples:", "  hostctl mailbox list", "  hostctl mailbox list example.com -o csv",
            "  hostctl mailbox list -o json \\",
            "      --jq '.[] | select(.state == \"disabled\") | .address'"})
public final class MailboxListCommand extends BaseCommand {
    @Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "Only this domain.")
    String domain;

    public MailboxListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().list(api().mailboxes(domain), MailColumns.mailboxes(out()));
        return ExitCodes.OK;
    }
}
