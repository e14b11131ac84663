package org.hostctl.cli.sieverules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hostctl.cli.sieverules.SieveLexer.Kind;
import org.hostctl.cli.sieverules.SieveLexer.Token;

/**
 * Reads the tests and actions of one webmail rule into the model, or says it does not understand them (a date test,
 * a vacation, a nested if, ...): such a rule is still listed, moved, enabled and kept byte for byte.
 */
final class RuleReader {
    private static final Set<String> MATCH = Set.of(":is", ":contains", ":matches", ":regex");
    private static final Set<String> ADDRESS_PARTS = Set.of(":all", ":localpart", ":domain", ":user", ":detail");

    /** A test or command: its name, tags and positional arguments (strings or string lists), and nested tests. */
    record Node(String name, List<String> tags, List<Object> args, List<Node> tests) {}

    /** What the tests of an {@code if} are: how they join and each test. */
    record Tests(String join, List<RuleTest> tests) {}

    private final List<Token> tokens;
    private int i;

    private RuleReader(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The tests of {@code tokens} (a test list, nothing after it), or null when not understood. */
    static Tests tests(List<Token> tokens) {
        RuleReader r = new RuleReader(tokens);
        Node n = r.node();
        if (n == null || r.i != tokens.size()) {
            return null;
        }
        String name = n.name().toLowerCase();
        if ((name.equals("allof") || name.equals("anyof")) && n.args().isEmpty() && n.tags().isEmpty()) {
            List<RuleTest> out = new ArrayList<>();
            for (Node t : n.tests()) {
                RuleTest rt = test(t);
                if (rt == null) {
                    return null;
                }
                out.add(rt);
            }
            return out.isEmpty() ? null : new Tests(name, out);
        }
        RuleTest rt = test(n);
        return rt == null ? null : new Tests("anyof", List.of(rt));
    }

    /** The actions of a block's inside (commands up to the end), or null when not understood. */
    static List<RuleAction> actions(List<Token> tokens) {
        RuleReader r = new RuleReader(tokens);
        List<RuleAction> out = new ArrayList<>();
        while (r.i < tokens.size()) {
            Node n = r.node();
            if (n == null || !r.special(";")) {
                return null;
            }
            RuleAction a = action(n);
            if (a == null) {
                return null;
            }
            out.add(a);
        }
        return out.isEmpty() ? null : out;
    }

    private static RuleTest test(Node n) {
        String name = n.name().toLowerCase();
        boolean not = false;
        if (name.equals("not")) {
            if (n.tests().size() != 1 || !n.args().isEmpty() || !n.tags().isEmpty()) {
                return null;
            }
            RuleTest inner = test(n.tests().get(0));
            return inner == null || inner.not() || inner.test().equals("true") ? null : inner.negated(true);
        }
        if (!n.tests().isEmpty()) {
            return null;
        }
        switch (name) {
            case "true":
            case "false":
                return n.args().isEmpty() && n.tags().isEmpty()
                        ? new RuleTest("true", name.equals("false"), null, null, null, null, null, null, null) : null;
            case "size":
                if (n.tags().size() != 1 || n.args().size() != 1 || !(n.args().get(0) instanceof Number)) {
                    return null;
                }
                String limit = ((Number) n.args().get(0)).text();
                String tag = n.tags().get(0).toLowerCase();
                return tag.equals(":over") || tag.equals(":under") ? RuleTest.size(tag.equals(":over"), limit) : null;
            case "exists":
                return n.tags().isEmpty() && n.args().size() == 1 && n.args().get(0) instanceof List<?> h
                        ? new RuleTest("exists", not, null, null, null, strings(h), null, null, null) : null;
            case "header":
            case "address":
            case "envelope":
            case "body":
                return matchTest(name, n);
            default:
                return null;
        }
    }

    private static RuleTest matchTest(String name, Node n) {
        String match = null;
        String part = null;
        String comparator = null;
        List<Object> args = new ArrayList<>(n.args());
        List<String> tags = n.tags();
        for (int k = 0; k < tags.size(); k++) {
            String tag = tags.get(k).toLowerCase();
            if (MATCH.contains(tag) && match == null) {
                match = tag.substring(1);
            } else if (tag.equals(":comparator") && comparator == null) {
                // its value is the positional argument written right after the tag
                TaggedArgs all = (TaggedArgs) n.args();
                int at = all.argsBefore(k);
                boolean next = at < all.size() && (k + 1 == tags.size() || all.argsBefore(k + 1) == at + 1);
                if (!next || !(all.get(at) instanceof List<?> cl) || cl.size() != 1) {
                    return null;
                }
                comparator = (String) cl.get(0);
                args.set(at, null);
            } else if (name.equals("body") && (tag.equals(":raw") || tag.equals(":text")) && part == null) {
                part = tag.substring(1);
            } else if ((name.equals("address") || name.equals("envelope")) && ADDRESS_PARTS.contains(tag)
                    && part == null) {
                part = tag.substring(1);
            } else {
                return null;
            }
        }
        args.removeIf(a -> a == null);
        int want = name.equals("body") ? 1 : 2;
        if (args.size() != want || !(args.get(0) instanceof List<?>) || !(args.get(want - 1) instanceof List<?>)) {
            return null;
        }
        List<String> keys = strings((List<?>) args.get(want - 1));
        List<String> headers = want == 2 ? strings((List<?>) args.get(0)) : null;
        return new RuleTest(name, false, match, part, comparator, headers, keys, null, null);
    }

    private static RuleAction action(Node n) {
        String name = n.name().toLowerCase();
        List<String> tags = n.tags().stream().map(String::toLowerCase).toList();
        List<Object> args = n.args();
        switch (name) {
            case "discard":
            case "keep":
            case "stop":
                return tags.isEmpty() && args.isEmpty() ? RuleAction.simple(name) : null;
            case "fileinto":
            case "redirect": {
                boolean copy = tags.contains(":copy");
                boolean create = name.equals("fileinto") && tags.contains(":create");
                int known = (copy ? 1 : 0) + (create ? 1 : 0);
                if (tags.size() != known || args.size() != 1 || !(args.get(0) instanceof List<?> l) || l.size() != 1) {
                    return null;
                }
                String target = (String) l.get(0);
                return name.equals("fileinto") ? RuleAction.fileinto(target, create, copy)
                        : RuleAction.redirect(target, copy);
            }
            case "addflag":
            case "setflag":
            case "removeflag":
                return tags.isEmpty() && args.size() == 1 && args.get(0) instanceof List<?> f
                        ? RuleAction.flags(name, strings(f)) : null;
            case "reject":
                return tags.isEmpty() && args.size() == 1 && args.get(0) instanceof List<?> r && r.size() == 1
                        ? RuleAction.reject((String) r.get(0)) : null;
            default:
                return null;
        }
    }

    private static List<String> strings(List<?> values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add((String) v));
        return out;
    }

    /** A number argument ({@code 100K}). */
    record Number(String text) {}

    /** Positional arguments that remember how many came before each tag. */
    static final class TaggedArgs extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
        private final List<Integer> before = new ArrayList<>();

        void tag() {
            before.add(size());
        }

        /** How many positional arguments came before tag number {@code tag} (from 0); all of them past the last tag. */
        int argsBefore(int tag) {
            return tag < before.size() ? before.get(tag) : size();
        }
    }

    /** A test or command at the current token, or null when the tokens are not one. */
    private Node node() {
        if (i >= tokens.size() || tokens.get(i).kind() != Kind.IDENTIFIER) {
            return null;
        }
        String name = tokens.get(i++).value();
        List<String> tags = new ArrayList<>();
        TaggedArgs args = new TaggedArgs();
        List<Node> tests = new ArrayList<>();
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.COMMENT) {
                i++;
            } else if (t.kind() == Kind.TAG) {
                args.tag();
                tags.add(t.value());
                i++;
            } else if (t.kind() == Kind.NUMBER) {
                args.add(new Number(t.value()));
                i++;
            } else if (t.kind() == Kind.STRING) {
                args.add(List.of(t.value()));
                i++;
            } else if (t.is("[")) {
                i++;
                List<String> list = new ArrayList<>();
                while (true) {
                    if (i >= tokens.size() || tokens.get(i).kind() != Kind.STRING) {
                        return null;
                    }
                    list.add(tokens.get(i++).value());
                    if (special("]")) {
                        break;
                    }
                    if (!special(",")) {
                        return null;
                    }
                }
                args.add(list);
            } else if (t.is("(")) {
                i++;
                while (true) {
                    Node inner = node();
                    if (inner == null) {
                        return null;
                    }
                    tests.add(inner);
                    if (special(")")) {
                        break;
                    }
                    if (!special(",")) {
                        return null;
                    }
                }
                return new Node(name, tags, args, tests);
            } else if (t.kind() == Kind.IDENTIFIER && (name.equalsIgnoreCase("not"))) {
                Node inner = node();
                return inner == null ? null : new Node(name, tags, args, List.of(inner));
            } else {
                break;
            }
        }
        return new Node(name, tags, args, tests);
    }

    private boolean special(String s) {
        while (i < tokens.size() && tokens.get(i).kind() == Kind.COMMENT) {
            i++;
        }
        if (i < tokens.size() && tokens.get(i).is(s)) {
            i++;
            return true;
        }
        return false;
    }
}
