package org.hostctl.cli.cmd.php;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl php set}. */
@Command(name = "set", sortOptions = false,
        description = "Switch directories (and everything below that does not set its own) to a PHP version.",
        footer = {"",
            "hostd writes one marked block into PATH/.htaccess and leaves every other line as it is. Setting the "
                    + "version a directory already sets changes nothing and succeeds. An end-of-life version is "
                    + "refused unless --allow-eol is given.",
            "",
            "Examples:",
            "  hostctl php set 8.3 public_html",
            "  hostctl php set 7.4 public_html/legacy --allow-eol",
            "  hostctl php set 8.2 public_html/a public_html/b --dry-run"})
public final class PhpSetCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "VERSION", description = "A version from 'hostctl php versions'.")
    String version;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH",
            description = "Directories relative to the webspace root.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--allow-eol", description = "Allow a version whose security support has ended.")
    boolean allowEol;

    @Option(names = "--dry-run", description = "Show what would change; write nothing.")
    boolean dryRun;

    public PhpSetCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<String> mapped = PathArgs.map(paths, context.cwd(), context.env().get("HOME"), () -> api().me());
        PhpSetRequest request = new PhpSetRequest(version, allowEol, dryRun);
        return PhpChanges.apply(mapped, path -> api().phpSet(path, request), out(), global().verbose());
    }

}
