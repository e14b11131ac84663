package org.hostctl.cli.cmd.mail;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl alias remove}. */
@Command(name = "remove", description = "Remove destinations of an alias, or the whole alias.",
        footer = {"",
            "Without DESTINATION the whole alias goes; that asks for confirmation on a terminal and needs --yes "
                    + "otherwise.",
            "",
            "Examples:",
            "  hostctl alias remove info@example.com bob@example.com",
            "  hostctl alias remove info@example.com --yes"})
public final class AliasRemoveCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ALIAS")
    String source;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "DESTINATION")
    List<String> destinations = new ArrayList<>();

    public AliasRemoveCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (destinations.isEmpty()) {
            confirm("Remove alias " + source);
        }
        api().removeAlias(source, destinations);
        out().info(destinations.isEmpty() ? "Removed alias " + source
                : "Removed " + String.join(", ", destinations) + " from " + source);
        return ExitCodes.OK;
    }
}
