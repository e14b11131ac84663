package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl alias list}. */
@Command(name = "list", description = "List your aliases and where they forward to.",
        footer = {"", "Examples:", "  hostctl alias list", "  hostctl alias list example.com -o json"})
public final class AliasListCommand extends BaseCommand {
    @Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "Only this domain.")
    String domain;

    public AliasListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().list(api().aliases(domain), MailColumns.aliases());
        return ExitCodes.OK;
    }
}
