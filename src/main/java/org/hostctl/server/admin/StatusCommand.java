package org.hostctl.server.admin;

import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.store.StatusRepository;
import org.hostctl.server.status.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd status}: every health check as the serving hostd last recorded it. */
@Command(name = "status", description = {"Show every health check (mail backends, document roots, send log, store)"
        + " as each running hostd (NODE, status.node) last recorded it.", "",
        "Exit 0 when none is down, 6 when one is."},
        footer = {"", "Examples:", "  hostd status --data /var/lib/hostd", "  hostd status -o json"})
public final class StatusCommand implements java.util.concurrent.Callable<Integer> {
    /** The JSON shape of a check. */
    record CheckView(String node, String id, String state, String since, String detail, String checkedAt) {
        static CheckView of(StatusRepository.CheckRow c) {
            return new CheckView(c.node(), c.id(), c.state(), c.since().toString(), c.detail(),
                    c.checkedAt().toString());
        }
    }

    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Hostd hostd = root.open()) {
            List<StatusRepository.CheckRow> checks = hostd.status().checks();
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), checks.stream().map(CheckView::of).toList());
            } else {
                AdminOutput.table(spec.commandLine().getOut(), checks,
                        List.of("NODE", "CHECK", "STATE", "SINCE", "CHECKED", "DETAIL"),
                        StatusRepository.CheckRow::node, StatusRepository.CheckRow::id, StatusRepository.CheckRow::state,
                        c -> c.since().toString(), c -> c.checkedAt().toString(), StatusRepository.CheckRow::detail);
                if (checks.isEmpty()) {
                    spec.commandLine().getErr().println("No check has run yet: start 'hostd serve'.");
                }
            }
            return checks.stream().anyMatch(c -> State.DOWN.wire().equals(c.state())) ? 6 : 0;
        }
    }
}
