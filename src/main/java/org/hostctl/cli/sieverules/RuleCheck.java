package org.hostctl.cli.sieverules;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a rule before hostctl writes it: what the webmail's editor could show and the Sieve text can hold. */
final class RuleCheck {
    private static final Set<String> MATCH = Set.of("contains", "is", "matches", "regex");
    private static final Pattern SIZE = Pattern.compile("[0-9]+[KMG]?");
    private static final Pattern HEADER = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");

    private RuleCheck() {}

    static void rule(String name, List<RuleTest> tests, List<RuleAction> actions) {
        if (name == null || name.isBlank()) {
            throw invalid("a rule needs a name");
        }
        text("the rule name", name);
        if (tests == null || tests.isEmpty()) {
            throw invalid("the rule '" + name + "' has no test");
        }
        if (actions == null || actions.isEmpty()) {
            throw invalid("the rule '" + name + "' has no action");
        }
        tests.forEach(RuleCheck::test);
        actions.forEach(RuleCheck::action);
    }

    private static void test(RuleTest t) {
        if (t.test() == null) {
            throw invalid("a test without its kind ('test')");
        }
        switch (t.test()) {
            case "true":
                return;
            case "size":
                if ((t.over() == null) == (t.under() == null)) {
                    throw invalid("a size test needs one of 'over' and 'under'");
                }
                String limit = t.over() != null ? t.over() : t.under();
                if (!SIZE.matcher(limit).matches()) {
                    throw invalid("not a size: '" + limit + "' (a number, optionally with K, M or G)");
                }
                return;
            case "exists":
                headers(t);
                return;
            case "header":
            case "address":
            case "envelope":
                headers(t);
                keys(t);
                return;
            case "body":
                if (t.part() != null && !t.part().equals("raw") && !t.part().equals("text")) {
                    throw invalid("a body test's part is raw or text, not '" + t.part() + "'");
                }
                keys(t);
                return;
            default:
                throw invalid("no such test: '" + t.test() + "' (header, address, envelope, body, size, exists, true)");
        }
    }

    private static void headers(RuleTest t) {
        if (t.headers() == null || t.headers().isEmpty()) {
            throw invalid("the " + t.test() + " test names no header field");
        }
        for (String h : t.headers()) {
            if (!HEADER.matcher(h).matches()) {
                throw invalid("not a header field name: '" + h + "'");
            }
        }
    }

    private static void keys(RuleTest t) {
        if (t.match() != null && !MATCH.contains(t.match())) {
            throw invalid("no such match: '" + t.match() + "' (contains, is, matches, regex)");
        }
        if (t.keys() == null || t.keys().isEmpty()) {
            throw invalid("the " + t.test() + " test has nothing to look for");
        }
        t.keys().forEach(k -> text("a value to look for", k));
        if (t.comparator() != null) {
            text("the comparator", t.comparator());
        }
    }

    private static void action(RuleAction a) {
        if (a.action() == null) {
            throw invalid("an action without its kind ('action')");
        }
        switch (a.action()) {
            case "fileinto":
                required("the folder", a.folder());
                return;
            case "redirect":
                required("the redirect address", a.address());
                return;
            case "addflag":
            case "setflag":
            case "removeflag":
                if (a.flags() == null || a.flags().isEmpty()) {
                    throw invalid(a.action() + " names no flag");
                }
                a.flags().forEach(f -> required("a flag", f));
                return;
            case "reject":
                required("the reject reason", a.reason());
                return;
            case "discard":
            case "keep":
            case "stop":
                return;
            default:
                throw invalid("no such action: '" + a.action() + "' (fileinto, redirect, discard, keep, stop, "
                        + "addflag, setflag, removeflag, reject)");
        }
    }

    private static void required(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw invalid(what + " is missing");
        }
        text(what, value);
    }

    private static void text(String what, String value) {
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c == '\r' || c == '\n' || c == 0) {
                throw invalid(what + " holds a line break or NUL, which a rule cannot");
            }
        }
    }

    private static RuleException invalid(String message) {
        return new RuleException(RuleException.Kind.INVALID, message);
    }
}
