package org.hostctl.server.admin;

import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.status.CheckState;
import org.hostctl.server.status.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd status}: every health check as the serving hostd last recorded it. */
@Command(name = "status", description = {"Show every health check (mail backends, document roots, send log, store)"
        + " as the running hostd last recorded it.", "", "Exit 0 when none is down, 6 when one is."},
        footer = {"", "Examples:", "  hostd status --data /var/lib/hostd", "  hostd status -o json"})
public final class StatusCommand implements java.util.concurrent.Callable<Integer> {
    /** The JSON shape of a check. */
    record CheckView(String id, String state, String since, String detail, String checkedAt) {
        static CheckView of(CheckState c) {
            return new CheckView(c.id(), c.state().wire(), String.valueOf(c.since()), c.detail(),
                    c.checkedAt() == null ? null : c.checkedAt().toString());
        }
    }

    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Hostd hostd = root.open()) {
            List<CheckState> checks = hostd.status().checks();
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), checks.stream().map(CheckView::of).toList());
            } else {
                AdminOutput.table(spec.commandLine().getOut(), checks,
                        List.of("CHECK", "STATE", "SINCE", "CHECKED", "DETAIL"), CheckState::id,
                        c -> c.state().wire(), c -> String.valueOf(c.since()),
                        c -> c.checkedAt() == null ? "-" : c.checkedAt().toString(), CheckState::detail);
                if (checks.isEmpty()) {
                    spec.commandLine().getErr().println("No check has run yet: start 'hostd serve'.");
                }
            }
            return checks.stream().anyMatch(c -> c.state() == State.DOWN) ? 6 : 0;
        }
    }
}
