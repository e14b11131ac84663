package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl autoreply show}. */
@Command(name = "show", description = "Show a mailbox's autoresponder.",
        footer = {"", "Examples:", "  hostctl autoreply show alice@example.com",
            "  hostctl autoreply show alice@example.com -o json --jq .body"})
public final class AutoreplyShowCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public AutoreplyShowCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().autoreply(address), MailColumns.autoreplies());
        return ExitCodes.OK;
    }
}
