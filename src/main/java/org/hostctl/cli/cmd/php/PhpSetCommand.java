package org.hostctl.cli.cmd.php;

import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpCheckReport;
import org.hostctl.api.PhpCheckRequest;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
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
            "Before switching, hostd checks the PHP files of PATH and of the directories below that would inherit "
                    + "the version, like 'hostctl php check VERSION PATH -r'. When something would break, the "
                    + "switch is refused with exit code 5 and the findings, and nothing is written; --skip-check "
                    + "switches anyway. --dry-run lists the findings too.",
            "",
            "Examples:",
            "  hostctl php set 8.3 public_html",
            "  hostctl php set 7.4 public_html/legacy --allow-eol",
            "  hostctl php set 8.2 public_html/a public_html/b --dry-run",
            "  # switch although the check finds code that breaks:",
            "  hostctl php set 8.2 public_html/legacy --skip-check"})
public final class PhpSetCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "VERSION", description = "A version from 'hostctl php versions'.")
    String version;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH",
            description = "Directories relative to the webspace root.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--allow-eol", description = "Allow a version whose security support has ended.")
    boolean allowEol;

    @Option(names = "--dry-run", description = "Show what would change and what the check finds; write nothing.")
    boolean dryRun;

    @Option(names = "--skip-check", description = "Switch without checking the PHP files first.")
    boolean skipCheck;

    public PhpSetCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<String> mapped = PathArgs.map(paths, context.cwd(), context.env().get("HOME"), () -> api().me());
        List<PhpChange> changes = new ArrayList<>();
        int exit = PhpChanges.apply(mapped, path -> {
            // the check runs as a job first, with a progress bar; the switch then reuses its report
            String checkId = skipCheck ? null : PhpCheckCommand.await(context, api(),
                    api().phpCheckStart(new PhpCheckRequest(version, List.of(path), true)), out()).id();
            PhpChange c = api().phpSet(path, new PhpSetRequest(version, allowEol, dryRun, skipCheck, checkId));
            changes.add(c);
            return c;
        }, out(), global().verbose());
        for (PhpChange c : changes) {
            PhpCheckReport check = c.check();
            if (check == null || check.files() == 0) {
                continue;
            }
            if (dryRun && !check.findings().isEmpty() && out().format() == Format.table) {
                out().list(check.findings(), PhpColumns.findings(out()));
            }
            out().info(PhpColumns.display(c.path()) + ": " + check.summary());
            if (dryRun && check.breaking() > 0 && exit == ExitCodes.OK) {
                exit = ExitCodes.REJECTED;
            }
        }
        return exit;
    }

}
