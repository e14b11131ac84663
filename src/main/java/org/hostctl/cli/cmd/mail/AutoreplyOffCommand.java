package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl autoreply off}. */
@Command(name = "off", description = "Turn a mailbox's autoresponder off; off twice changes nothing.",
        footer = {"", "Examples:", "  hostctl autoreply off alice@example.com"})
public final class AutoreplyOffCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    public AutoreplyOffCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().autoreplyOff(address), MailColumns.autoreplies());
        return ExitCodes.OK;
    }
}
