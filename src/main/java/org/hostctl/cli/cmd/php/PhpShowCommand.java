package org.hostctl.cli.cmd.php;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.PhpSetting;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl php show}. */
@Command(name = "show", sortOptions = false,
        description = "Show which PHP version directories really run, and where that comes from.",
        footer = {"",
            "Without PATH: each document root. SOURCE says whether the directory sets the version itself, inherits "
                    + "it from a parent directory, or runs the account default.",
            "",
            "Examples:",
            "  hostctl php show",
            "  hostctl php show public_html/shop public_html/blog",
            "  # every directory below that sets its own version:",
            "  hostctl php show public_html -r",
            "  # on the hosting server, in a webspace directory:",
            "  hostctl php show . -o json"})
public final class PhpShowCommand extends BaseCommand {
    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Directories relative to the webspace root.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-r", "--recursive"}, description = "Also list every directory below PATH that sets its own "
            + "version (an audit of the subtree).")
    boolean recursive;

    public PhpShowCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<String> mapped = PathArgs.map(paths, context.cwd(), context.env().get("HOME"), () -> api().me());
        List<PhpSetting> settings = api().phpSettings(mapped, recursive);
        out().list(settings, PhpColumns.settings(out()));
        for (PhpSetting s : settings) {
            if (s.endOfLife() && s.version() != null && out().format() == org.hostctl.cli.output.Format.table) {
                out().warn(PhpColumns.display(s.path()) + " runs PHP " + s.version()
                        + ", which no longer gets security fixes (since " + s.securitySupportUntil() + ")");
            }
        }
        return ExitCodes.OK;
    }
}
