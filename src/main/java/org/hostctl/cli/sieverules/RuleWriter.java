package org.hostctl.cli.sieverules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a rule as Roundcube's managesieve plugin does ({@code rcube_sieve_script::as_text}), so that the webmail
 * reads back exactly the rule hostctl wrote: {@code # rule:[NAME]}, {@code if [false # ]TESTS}, the actions indented
 * by a tab, {@code }}.
 */
final class RuleWriter {
    private static final Set<String> ADDRESS_PARTS = Set.of("localpart", "domain", "user", "detail");

    private RuleWriter() {}

    static String rule(String name, boolean enabled, String join, List<RuleTest> tests, List<RuleAction> actions,
            String eol) {
        StringBuilder out = new StringBuilder();
        out.append("# rule:[").append(name.replaceAll("[\r\n]+", " ")).append(']').append(eol);
        List<String> written = new ArrayList<>();
        for (RuleTest t : tests) {
            written.add(test(t));
        }
        out.append("if ").append(enabled ? "" : "false # ");
        boolean allof = "allof".equals(join);
        if (allof || written.size() > 1) {
            out.append(allof ? "allof" : "anyof").append(" (").append(String.join(", ", written)).append(')');
        } else {
            out.append(written.get(0));
        }
        out.append(eol).append('{').append(eol);
        for (RuleAction a : actions) {
            out.append('\t').append(action(a)).append(';').append(eol);
        }
        return out.append('}').append(eol).toString();
    }

    static String test(RuleTest t) {
        String not = t.not() ? "not " : "";
        switch (t.test()) {
            case "true":
                return t.not() ? "false" : "true";
            case "size":
                return not + "size " + (t.under() != null ? ":under " + t.under() : ":over " + t.over());
            case "exists":
                return not + "exists " + strings(t.headers());
            case "header":
                return not + "header" + operator(t) + " " + strings(t.headers()) + " " + strings(t.keys());
            case "address":
            case "envelope":
                String part = t.part() != null && ADDRESS_PARTS.contains(t.part()) ? " :" + t.part() : "";
                return not + t.test() + part + operator(t) + " " + strings(t.headers()) + " " + strings(t.keys());
            case "body":
                String transform = "raw".equals(t.part()) || "text".equals(t.part()) ? " :" + t.part() : "";
                return not + "body" + transform + operator(t) + " " + strings(t.keys());
            default:
                throw new IllegalArgumentException("no such test: " + t.test());
        }
    }

    private static String operator(RuleTest t) {
        String out = t.match() == null ? "" : " :" + t.match();
        if (t.comparator() != null && !t.comparator().equals("i;ascii-casemap")) {
            out += " :comparator " + string(t.comparator());
        }
        return out;
    }

    static String action(RuleAction a) {
        switch (a.action()) {
            case "fileinto":
                return "fileinto " + (a.copies() ? ":copy " : "") + (a.creates() ? ":create " : "")
                        + string(a.folder());
            case "redirect":
                return "redirect " + (a.copies() ? ":copy " : "") + string(a.address());
            case "addflag":
            case "setflag":
            case "removeflag":
                return a.action() + " " + strings(a.flags());
            case "reject":
                return "reject " + string(a.reason());
            case "discard":
            case "keep":
            case "stop":
                return a.action();
            default:
                throw new IllegalArgumentException("no such action: " + a.action());
        }
    }

    /** One string as itself, several as a list, as Roundcube writes them. */
    static String strings(List<String> values) {
        if (values.size() == 1) {
            return string(values.get(0));
        }
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(string(v)));
        return "[" + String.join(",", out) + "]";
    }

    /** A quoted string; backslash and quote escaped. Line breaks are refused earlier ({@link RuleCheck}). */
    static String string(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
