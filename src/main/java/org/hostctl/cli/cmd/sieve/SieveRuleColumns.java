package org.hostctl.cli.cmd.sieve;

import java.util.List;
import org.hostctl.cli.output.Column;
import org.hostctl.cli.sieverules.Rule;
import org.hostctl.cli.sieverules.RuleWords;

/** Table and CSV columns of the rule commands, declared once. */
final class SieveRuleColumns {
    private SieveRuleColumns() {}

    static List<Column<Rule>> rules() {
        return List.of(
                Column.of("#", r -> String.valueOf(r.position())),
                Column.of("NAME", r -> r.name() == null ? "" : r.name()),
                Column.of("ENABLED", r -> r.enabled() ? "yes" : "no"),
                Column.of("RULE", RuleWords::of));
    }
}
