package org.hostctl.cli.cmd.sieve;

import java.util.List;
import org.hostctl.api.SieveCheckResult;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.output.Column;

/** Table and CSV columns of the sieve commands, declared once. */
final class SieveColumns {
    private SieveColumns() {}

    static List<Column<SieveScript>> scripts() {
        return List.of(
                Column.of("NAME", SieveScript::name),
                Column.of("ACTIVE", s -> s.active() ? "yes" : "no"));
    }

    static List<Column<SieveCheckResult>> check() {
        return List.of(
                Column.of("OK", c -> c.ok() ? "yes" : "no"),
                Column.of("WARNINGS", c -> c.warnings() == null ? "" : String.join("; ", c.warnings())));
    }

    static List<Column<String>> actions() {
        return List.of(Column.of("ACTION", a -> a));
    }
}
