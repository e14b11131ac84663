package org.hostctl.cli.sieverules;

import java.util.ArrayList;
import java.util.List;

/** A rule in words, for the table of {@code sieve rule list}: {@code if subject contains "sale" then discard}. */
public final class RuleWords {
    private RuleWords() {}

    public static String of(Rule r) {
        if (!r.understood()) {
            String flat = r.sieve().replaceAll("(?m)^#.*$", " ").replaceAll("\\s+", " ").strip();
            return (r.format().equals("raw") ? "raw: " : "as written: ") + flat;
        }
        List<String> tests = new ArrayList<>();
        r.tests().forEach(t -> tests.add(test(t)));
        List<String> actions = new ArrayList<>();
        r.actions().forEach(a -> actions.add(action(a)));
        return "if " + String.join(r.join().equals("allof") ? " and " : " or ", tests) + " then "
                + String.join(", ", actions);
    }

    static String test(RuleTest t) {
        String not = t.not() ? "not " : "";
        switch (t.test()) {
            case "true":
                return t.not() ? "no message" : "every message";
            case "size":
                return not + "size " + (t.over() != null ? "over " + t.over() : "under " + t.under());
            case "exists":
                return not + "header " + String.join(" and ", t.headers()) + " exists";
            case "body":
                return not + "body" + (t.part() == null ? "" : " (" + t.part() + ")") + " " + match(t);
            case "address":
            case "envelope":
                return not + t.test() + " " + String.join(" or ", t.headers())
                        + (t.part() == null ? "" : " (" + t.part() + ")") + " " + match(t);
            default:
                return not + String.join(" or ", t.headers()) + " " + match(t);
        }
    }

    private static String match(RuleTest t) {
        String how = t.match() == null ? "is" : t.match().equals("regex") ? "matches regex" : t.match();
        List<String> keys = new ArrayList<>();
        t.keys().forEach(k -> keys.add(quoted(k)));
        return how + " " + String.join(" or ", keys);
    }

    static String action(RuleAction a) {
        switch (a.action()) {
            case "fileinto":
                return (a.copies() ? "copy to " : "move to ") + quoted(a.folder())
                        + (a.creates() ? " (created if missing)" : "");
            case "redirect":
                return (a.copies() ? "send a copy to " : "redirect to ") + a.address();
            case "addflag":
                return "add flags " + String.join(" ", a.flags());
            case "setflag":
                return "set flags " + String.join(" ", a.flags());
            case "removeflag":
                return "remove flags " + String.join(" ", a.flags());
            case "reject":
                return "reject with " + quoted(a.reason());
            default:
                return a.action();
        }
    }

    private static String quoted(String s) {
        return RuleWriter.string(s);
    }
}
