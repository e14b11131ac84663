package org.hostctl.cli.sieverules;

import java.util.List;

/**
 * A rule given as JSON to {@code sieve rule add --json}: the shape {@code rule list -o json} prints, whose
 * position, name, format and sieve text are ignored.
 */
public record RuleInput(Integer position, String name, String format, Boolean enabled, String join,
        List<RuleTest> tests, List<RuleAction> actions, String sieve) {}
