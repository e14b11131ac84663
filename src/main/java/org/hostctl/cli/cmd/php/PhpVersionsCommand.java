package org.hostctl.cli.cmd.php;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;

/** {@code hostctl php versions}. */
@Command(name = "versions", sortOptions = false,
        description = "List the PHP versions you can choose, with their end-of-life dates.",
        footer = {"", "Examples:", "  hostctl php versions",
            "  hostctl php versions -o json --jq '.[] | select(.endOfLife) | .version'"})
public final class PhpVersionsCommand extends BaseCommand {
    public PhpVersionsCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out().list(api().phpVersions(), PhpColumns.versions(out()));
        return ExitCodes.OK;
    }
}
