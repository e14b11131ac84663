package org.hostctl.cli.cmd.status;

import java.time.Instant;
import java.util.List;
import org.hostctl.api.StatusHistory;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostctl status history}. */
@Command(name = "history", sortOptions = false,
        description = "When your services were degraded or down in the last days, and what your provider said"
            + " about it then.",
        footer = {"",
            "One row per outage, newest first: STATE is the worst it got (degraded or down), END is 'ongoing' while "
                    + "it lasts. The notices of the period follow, resolved ones with the time they were resolved. "
                    + "Times are UTC. Exit 0 also when there were outages.",
            "",
            "Examples:",
            "  hostctl status history",
            "  hostctl status history --days 7",
            "  hostctl status history -o csv > outages.csv",
            "  hostctl status history -o json --jq '.outages[] | select(.end == null)'"})
public final class StatusHistoryCommand extends BaseCommand {
    @Option(names = "--days", paramLabel = "N", description = "The last N days, from 1 up to what hostd keeps"
            + " (default: all it keeps, 30 days unless the provider set otherwise).")
    Integer days;

    public StatusHistoryCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (days != null && days < 1) {
            throw HostctlException.usage("--days must be at least 1");
        }
        Output o = out();
        StatusHistory h = api().statusHistory(days);
        Instant now = h.until() != null ? h.until() : context.clock().instant();
        switch (o.format()) {
            case json, yaml -> o.one(h, List.of());
            case csv -> o.list(h.outages(), StatusColumns.outages(false, now));
            case table -> {
                o.list(h.outages(), StatusColumns.outages(true, now));
                if (h.outages().isEmpty()) {
                    o.info("no outages since " + StatusText.when(h.since(), now, false));
                }
                if (!h.notices().isEmpty()) {
                    if (!h.outages().isEmpty()) {
                        o.out().println();
                    }
                    StatusText.notices(o.out(), o, h.notices(), now, false);
                }
            }
        }
        return ExitCodes.OK;
    }
}
