package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;

/** {@code hostctl domain list}. */
@Command(name = "list", description = "List your mail domains with their numbers of mailboxes and aliases.",
        footer = {"", "Examples:", "  hostctl domain list", "  hostctl domain list -o json --jq '.[].name'"})
public final class DomainListCommand extends BaseCommand {
    public DomainListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().list(api().domains(), MailColumns.domains());
        return ExitCodes.OK;
    }
}
