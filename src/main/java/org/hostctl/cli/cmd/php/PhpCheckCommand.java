package org.hostctl.cli.cmd.php;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.PhpCheckJob;
import org.hostctl.api.PhpCheckReport;
import org.hostctl.api.PhpCheckRequest;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.output.Output;
import org.hostctl.client.HostApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl php check}. */
@Command(name = "check", sortOptions = false,
        description = "Check PHP files for what breaks under a PHP version, before switching to it.",
        footer = {"",
            "hostd reads the PHP files of each PATH (with -r also the directories below that would inherit a "
                    + "switch) and lists each finding with file, line, what it is, the PHP version that removed it "
                    + "and the usual replacement: removed functions (mysql_*, ereg, each, create_function, mcrypt "
                    + "...), removed syntax (ASP tags, <script language=\"php\">, $s{0}, (real)), removed "
                    + "variables and ini settings. When that version's PHP is installed on the server it also "
                    + "parses every file; the code is never run. Names in comments, strings and heredocs are no "
                    + "findings. LEVEL 'guarded' marks a use the code itself guards (function_exists(), a "
                    + "polyfill, a mysqli fallback); guarded uses and warnings do not count.",
            "",
            "Exit code 0 when nothing breaks, 5 when something does; a summary line goes to stderr. On a "
                    + "terminal a progress bar shows on stderr.",
            "",
            "Examples:",
            "  hostctl php check 8.2 public_html/shop",
            "  hostctl php check 8.3 public_html -r",
            "  # the files and lines that break, for a script:",
            "  hostctl php check 8.2 public_html -r -o json \\",
            "      --jq '.findings[] | select(.level == \"breaks\") | \"\\(.file):\\(.line)\"'"})
public final class PhpCheckCommand extends BaseCommand {
    private static final Duration FIRST_POLL = Duration.ofMillis(25);
    private static final Duration POLL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "VERSION",
            description = "A version from 'hostctl php versions', or a PHP branch such as 8.2.")
    String version;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH",
            description = "Directories relative to the webspace root.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-r", "--recursive"},
            description = "Also check the directories below PATH that would inherit a switch of PATH.")
    boolean recursive;

    public PhpCheckCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<String> mapped = PathArgs.map(paths, context.cwd(), context.env().get("HOME"), () -> api().me());
        PhpCheckJob job = await(context, api(), api().phpCheckStart(new PhpCheckRequest(version, mapped, recursive)),
                out());
        return print(job.report());
    }

    /** Polls a started check until it ends, with a progress bar on a terminal; the finished job. */
    static PhpCheckJob await(CliContext context, HostApi api, PhpCheckJob started, Output out) {
        PhpCheckJob job = started;
        ProgressBar bar = new ProgressBar(out.err(), context.stderrTerminal());
        Duration wait = FIRST_POLL;
        try {
            while (PhpCheckJob.RUNNING.equals(job.state())) {
                bar.show(job.done(), job.files());
                context.sleep(wait);
                wait = wait.multipliedBy(2).compareTo(POLL) > 0 ? POLL : wait.multipliedBy(2);
                job = api.phpCheck(job.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostctlException(ExitCodes.UNEXPECTED, "interrupted");
        } finally {
            bar.clear();
        }
        if (PhpCheckJob.FAILED.equals(job.state()) || job.report() == null) {
            throw new HostctlException(ExitCodes.UNAVAILABLE, job.error() == null ? "the check failed" : job.error());
        }
        return job;
    }

    private int print(PhpCheckReport report) {
        if (out().format() == Format.json || out().format() == Format.yaml) {
            out().one(report, List.of());
        } else {
            out().list(report.findings(), PhpColumns.findings(out()));
        }
        for (String note : report.notes()) {
            out().warn(note);
        }
        if (global().verbose()) {
            for (PhpCheckReport.Skipped s : report.skipped()) {
                out().info("skipped " + s.path() + ": " + s.reason());
            }
        }
        out().info(report.summary());
        return report.breaking() > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
    }
}
