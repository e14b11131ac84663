package org.hostctl.cli.cmd.mail;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl alias add}. */
@Command(name = "add", description = "Forward an address of your domains to one or more destinations.",
        footer = {"",
            "Adding a destination that is already there changes nothing. A destination that would make mail loop "
                    + "back to the alias is refused.",
            "",
            "Examples:",
            "  hostctl alias add info@example.com alice@example.com bob@example.com",
            "  # keep a copy:",
            "  hostctl alias add alice@example.com alice@example.com alice@gmail.example"})
public final class AliasAddCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ALIAS")
    String source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DESTINATION")
    List<String> destinations = new ArrayList<>();

    public AliasAddCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().one(api().addAlias(source, destinations), MailColumns.aliases());
        return ExitCodes.OK;
    }
}
