package org.hostctl.cli.sieverules;

import java.util.List;

/**
 * A rule of a Sieve script as the webmail's filter editor (Roundcube's managesieve plugin) structures it: a
 * {@code # rule:[NAME]} comment and one {@code if}, disabled as {@code if false # ...}.
 *
 * @param position its place in the script, from 1
 * @param name its name; null for a statement of a script not in the webmail's format
 * @param format {@code webmail} for a rule of the webmail's format, {@code raw} for a statement of another script
 * @param enabled false for a rule the webmail disabled
 * @param join {@code allof} (every test) or {@code anyof} (any test); null when hostctl does not understand the rule
 * @param tests its tests; null when hostctl does not understand them (the rule is kept as it is)
 * @param actions its actions; null when hostctl does not understand them
 * @param sieve its Sieve text, as stored
 */
public record Rule(int position, String name, String format, boolean enabled, String join, List<RuleTest> tests,
        List<RuleAction> actions, String sieve) {
    public Rule {
        tests = tests == null ? null : List.copyOf(tests);
        actions = actions == null ? null : List.copyOf(actions);
    }

    /** Whether hostctl understands its tests and actions. */
    public boolean understood() {
        return tests != null && actions != null;
    }
}
