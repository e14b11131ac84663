package org.hostctl.cli.cmd.php;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl php unset}. */
@Command(name = "unset", sortOptions = false,
        description = "Make directories inherit their PHP version again.",
        footer = {"",
            "Removes hostd's block from PATH/.htaccess (the file goes when nothing else is in it). A directory whose "
                    + ".htaccess sets PHP outside hostd's block keeps that line; 'php show' reports it.",
            "",
            "Examples:",
            "  hostctl php unset public_html/legacy",
            "  hostctl php unset public_html/a public_html/b --dry-run"})
public final class PhpUnsetCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Directories relative to the webspace root.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--dry-run", description = "Show what would change; write nothing.")
    boolean dryRun;

    public PhpUnsetCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<String> mapped = PathArgs.map(paths, context.cwd(), context.env().get("HOME"), () -> api().me());
        return PhpChanges.apply(mapped, path -> api().phpUnset(path, dryRun), out(), global().verbose());
    }
}
