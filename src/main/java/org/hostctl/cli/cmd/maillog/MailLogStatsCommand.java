package org.hostctl.cli.cmd.maillog;

import java.time.Instant;
import java.time.ZoneId;
import org.hostctl.api.MailLogStats;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostctl mail log stats}. */
@Command(name = "stats", sortOptions = false,
        description = "Recipients per hour or day by state: sent, deferred, bounced, rejected, expired.",
        footer = {"", "Buckets are UTC hours or days by arrival time. On a terminal a bar chart follows each row:",
            "  # delivered, ~ waiting, ! failed.", "",
            "Examples:", "  hostctl mail log stats", "  hostctl mail log stats --since 24h --by hour",
            "  hostctl mail log stats --since 30d -o csv"})
public final class MailLogStatsCommand extends BaseCommand {
    @Option(names = "--since", paramLabel = "WHEN", description = "From this time on: 7d (default), 24h,"
            + " 2026-11-01 or 2026-11-01T00:00:00Z.")
    String since = "7d";

    @Option(names = "--until", paramLabel = "WHEN", description = "Up to this time (default: now).")
    String until;

    @Option(names = "--by", paramLabel = "hour|day", description = "Bucket size (default: hour up to two days,"
            + " else day).")
    String by;

    public MailLogStatsCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (by != null && !by.equals("hour") && !by.equals("day")) {
            throw HostctlException.usage("--by must be hour or day");
        }
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        Instant until = this.until == null ? null : TimeArgs.instant("--until", this.until, now, zone);
        MailLogStats stats = api().mailLogStats(TimeArgs.instant("--since", since, until == null ? now : until, zone),
                until, by);
        if (out().format() == Format.json || out().format() == Format.yaml) {
            out().one(stats, java.util.List.of());
            return ExitCodes.OK;
        }
        long max = stats.buckets().stream().mapToLong(MailLogColumns::total).max().orElse(0);
        boolean chart = out().format() == Format.table && context.interactive();
        out().list(stats.buckets(), MailLogColumns.buckets("hour".equals(stats.by()), chart, max));
        return ExitCodes.OK;
    }
}
