package org.hostctl.cli.sieverules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.cli.sieverules.SieveLexer.Kind;
import org.hostctl.cli.sieverules.SieveLexer.SyntaxException;
import org.hostctl.cli.sieverules.SieveLexer.Token;

/**
 * A Sieve script seen as the webmail's filter editor (Roundcube's managesieve plugin) sees it: a header (comments,
 * {@code require}, {@code set}) and rules, each a {@code # rule:[NAME]} comment and one {@code if}. Changes rewrite
 * only the rules they touch and the {@code require} command; every other byte stays as it was. A script in any other
 * shape is {@linkplain #webmail() not in the webmail's format}: its statements are listed as raw rules, and changing
 * it through rules is refused.
 */
public final class RuleScript {
    /** Roundcube's rule comment: {@code # rule:[NAME]}, the name up to the last {@code ]} of the line. */
    private static final Pattern RULE_COMMENT = Pattern.compile("^ rule:\\[(.*)\\]");

    /**
     * A rule's text and what hostctl read from it. Offsets are relative to {@code text}: {@code falseStart} is where
     * {@code false # } begins (-1 when enabled), {@code testsStart} where the tests begin, and {@code oneLine} says
     * whether the tests alone fill the rest of the {@code if} line, so that {@code false # } can comment them out.
     */
    private record Block(String name, String text, boolean enabled, RuleReader.Tests tests,
            List<RuleAction> actions, List<Token> scan, int falseStart, int testsStart, boolean oneLine) {}

    private final String text;
    private final String eol;
    private final String reason;
    private final String header;
    private final List<Block> blocks;

    private RuleScript(String text, String eol, String reason, String header, List<Block> blocks) {
        this.text = text;
        this.eol = eol;
        this.reason = reason;
        this.header = header;
        this.blocks = List.copyOf(blocks);
    }

    /** Reads a script; never fails: what is not in the webmail's format is read as raw statements. */
    public static RuleScript parse(String text) {
        String eol = text.contains("\r\n") || !text.contains("\n") ? "\r\n" : "\n";
        List<Token> tokens;
        try {
            tokens = SieveLexer.tokens(text);
        } catch (SyntaxException e) {
            List<Block> whole = text.isBlank() ? List.of() : List.of(raw(text));
            return new RuleScript(text, eol, "it does not parse: " + e.getMessage(), text, whole);
        }
        try {
            return new RuleScript(text, eol, null, null, List.of()).webmail(tokens);
        } catch (NotWebmail e) {
            return new RuleScript(text, eol, e.getMessage(), text, statements(text, tokens));
        }
    }

    /** The script's text. */
    public String text() {
        return text;
    }

    /** Whether the script is in the webmail's rule format (an empty script is). */
    public boolean webmail() {
        return reason == null;
    }

    /** Why the script is not in the webmail's format (with its line), or null when it is. */
    public String reason() {
        return reason;
    }

    /** Its rules, in order; raw statements when it is not in the webmail's format. */
    public List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Block b : blocks) {
            int position = out.size() + 1;
            if (!webmail()) {
                out.add(new Rule(position, null, "raw", true, null, null, null, b.text()));
            } else {
                boolean understood = b.tests() != null && b.actions() != null;
                out.add(new Rule(position, b.name(), "webmail", b.enabled(), understood ? b.tests().join() : null,
                        understood ? b.tests().tests() : null, understood ? b.actions() : null, b.text()));
            }
        }
        return out;
    }

    /** The rule named {@code name}. */
    public Rule rule(String name) {
        return rules().get(indexOf(name));
    }

    /**
     * Adds a rule before the rule {@code before}, or at the end when that is null.
     *
     * @throws RuleException CONFLICT when a rule of that name exists, NOT_FOUND when {@code before} does not
     */
    public RuleScript add(String name, boolean enabled, String join, List<RuleTest> tests, List<RuleAction> actions,
            String before) {
        editable();
        RuleCheck.rule(name, tests, actions);
        if (!"allof".equals(join) && !"anyof".equals(join)) {
            throw new RuleException(RuleException.Kind.INVALID, "join is allof or anyof, not '" + join + "'");
        }
        if (blocks.stream().anyMatch(b -> b.name().equals(name))) {
            throw new RuleException(RuleException.Kind.CONFLICT, "a rule named '" + name + "' exists already");
        }
        String written = RuleWriter.rule(name, enabled, join, tests, actions, eol);
        List<String> texts = texts();
        texts.add(before == null ? texts.size() : indexOf(before), written);
        return rebuild(texts);
    }

    /** Removes the rule {@code name}. */
    public RuleScript remove(String name) {
        editable();
        List<String> texts = texts();
        texts.remove(indexOf(name));
        return rebuild(texts);
    }

    /** Moves the rule {@code name} before the rule {@code before}, or to the end when that is null. */
    public RuleScript move(String name, String before) {
        editable();
        int from = indexOf(name);
        if (before != null) {
            indexOf(before);
            if (before.equals(name)) {
                throw new RuleException(RuleException.Kind.INVALID, "a rule cannot move before itself");
            }
        }
        List<String> texts = texts();
        String moving = texts.remove(from);
        int to = before == null ? texts.size() : names(from).indexOf(before);
        texts.add(to, moving);
        return rebuild(texts);
    }

    /** Enables or disables the rule {@code name} as the webmail does ({@code if false # TESTS}); idempotent. */
    public RuleScript enable(String name, boolean enabled) {
        editable();
        int k = indexOf(name);
        Block b = blocks.get(k);
        if (b.enabled() == enabled) {
            return this;
        }
        String changed;
        if (enabled) {
            changed = b.text().substring(0, b.falseStart()) + b.text().substring(b.testsStart());
        } else if (b.oneLine()) {
            changed = b.text().substring(0, b.testsStart()) + "false # " + b.text().substring(b.testsStart());
        } else if (b.tests() != null && b.actions() != null) {
            changed = RuleWriter.rule(b.name(), false, b.tests().join(), b.tests().tests(), b.actions(), eol)
                    + trailer(b);
        } else {
            throw new RuleException(RuleException.Kind.INVALID, "the rule '" + name + "' is not written as the "
                    + "webmail writes rules (its tests and '{' on one line), so it cannot be disabled by commenting "
                    + "its tests out; disable it in the webmail, or edit the script with 'hostctl sieve edit'");
        }
        List<String> texts = texts();
        texts.set(k, changed);
        return rebuild(texts);
    }

    /** What follows a rule's closing brace line in its block (comments, blank lines), kept on a rewrite. */
    private static String trailer(Block b) {
        int close = b.text().lastIndexOf('}');
        int eolAt = b.text().indexOf('\n', close);
        return eolAt < 0 ? "" : b.text().substring(eolAt + 1);
    }

    private void editable() {
        if (!webmail()) {
            throw new RuleException(RuleException.Kind.NOT_WEBMAIL, "the script is not in the webmail's rule format ("
                    + reason + ")");
        }
    }

    private int indexOf(String name) {
        int found = -1;
        for (int k = 0; k < blocks.size(); k++) {
            if (name.equals(blocks.get(k).name())) {
                if (found >= 0) {
                    throw new RuleException(RuleException.Kind.CONFLICT, "two rules are named '" + name
                            + "'; rename one in the webmail first");
                }
                found = k;
            }
        }
        if (found < 0) {
            throw new RuleException(RuleException.Kind.NOT_FOUND, "no rule named '" + name + "'");
        }
        return found;
    }

    private List<String> names(int without) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < blocks.size(); k++) {
            if (k != without) {
                out.add(blocks.get(k).name());
            }
        }
        return out;
    }

    private List<String> texts() {
        List<String> out = new ArrayList<>();
        blocks.forEach(b -> out.add(b.text()));
        return out;
    }

    /** The script with these rule texts after the header, its require command set right. */
    private RuleScript rebuild(List<String> texts) {
        StringBuilder body = new StringBuilder();
        for (String t : texts) {
            if (body.length() > 0 && body.charAt(body.length() - 1) != '\n') {
                body.append(eol);
            }
            body.append(t);
        }
        String head = header;
        if (!head.isEmpty() && !head.endsWith("\n") && body.length() > 0) {
            head += eol;
        }
        String text = withRequire(head, body.toString());
        // a script without rules is one line break: servers take no empty script
        RuleScript next = parse(text.isEmpty() ? eol : text);
        if (!next.webmail()) {
            throw new IllegalStateException("the changed script left the webmail's format: " + next.reason());
        }
        return next;
    }

    /** {@code head + body} with the require command naming what the script uses. */
    private String withRequire(String head, String body) {
        List<Token> headTokens;
        try {
            headTokens = SieveLexer.tokens(head);
        } catch (SyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<String> original = new LinkedHashSet<>();
        List<int[]> requireSpans = new ArrayList<>();
        List<Token> other = new ArrayList<>();
        for (int k = 0; k < headTokens.size(); k++) {
            Token t = headTokens.get(k);
            if (t.isIdentifier("require")) {
                int end = endOfCommand(headTokens, k);
                headTokens.subList(k + 1, end).stream().filter(x -> x.kind() == Kind.STRING)
                        .forEach(x -> original.add(x.value()));
                requireSpans.add(new int[] {t.start(), headTokens.get(end - 1).end()});
                k = end - 1;
            } else {
                other.add(t);
            }
        }
        Set<String> used = Requires.used(other, original, new LinkedHashSet<>());
        for (Block b : parse(body).blocks) {
            Requires.used(b.scan(), original, used);
        }
        Set<String> needed = Requires.needed(original, used);
        if (needed.equals(original)) {
            return head + body;
        }
        String command = needed.isEmpty() ? "" : Requires.command(needed);
        if (requireSpans.isEmpty()) {
            int at = headTokens.stream().filter(t -> t.kind() != Kind.COMMENT).findFirst().map(Token::start)
                    .orElse(head.length());
            return head.substring(0, at) + command + eol + head.substring(at) + body;
        }
        StringBuilder out = new StringBuilder();
        int last = 0;
        for (int k = 0; k < requireSpans.size(); k++) {
            int[] span = requireSpans.get(k);
            out.append(head, last, span[0]);
            String replacement = k == 0 ? command : "";
            out.append(replacement);
            last = span[1];
            if (replacement.isEmpty()) {
                // drop the line break of a removed require command too
                if (head.startsWith("\r\n", last)) {
                    last += 2;
                } else if (head.startsWith("\n", last)) {
                    last += 1;
                }
            }
        }
        out.append(head.substring(last));
        return out + body;
    }

    /** Signals that the script is not in the webmail's format; the message says where and why. */
    private static final class NotWebmail extends Exception {
        private static final long serialVersionUID = 1L;

        NotWebmail(Token at, String message) {
            super("line " + at.line() + ": " + message);
        }
    }

    private RuleScript webmail(List<Token> tokens) throws NotWebmail {
        int n = tokens.size();
        int k = 0;
        while (k < n && !isRuleComment(tokens.get(k))) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.COMMENT) {
                k++;
            } else if (t.isIdentifier("require") || t.isIdentifier("set")) {
                k = endOfCommand(tokens, k);
                if (k < 0) {
                    throw new NotWebmail(t, "'" + t.value() + "' has no end");
                }
            } else {
                throw outside(t);
            }
        }
        String head = text.substring(0, k < n ? lineStart(tokens.get(k).start()) : text.length());
        List<Block> out = new ArrayList<>();
        while (k < n) {
            Token comment = tokens.get(k);
            Matcher m = RULE_COMMENT.matcher(comment.value());
            m.find();
            String name = m.group(1);
            int start = lineStart(comment.start());
            k++;
            if (k >= n || !tokens.get(k).isIdentifier("if")) {
                throw new NotWebmail(comment, "the rule '" + name + "' is not one 'if' right after its comment");
            }
            Token ifToken = tokens.get(k++);
            boolean disabled = k + 1 < n && tokens.get(k).isIdentifier("false")
                    && tokens.get(k + 1).kind() == Kind.COMMENT && tokens.get(k + 1).line() == tokens.get(k).line();
            List<Token> testTokens;
            int falseStart = -1;
            int testsStart;
            boolean oneLine;
            if (disabled) {
                falseStart = tokens.get(k).start() - start;
                Token hidden = tokens.get(k + 1);
                String value = hidden.value();
                int skip = 0;
                while (skip < value.length() && Character.isWhitespace(value.charAt(skip))) {
                    skip++;
                }
                testsStart = hidden.start() + 1 + skip - start;
                try {
                    testTokens = SieveLexer.tokens(value.substring(skip));
                } catch (SyntaxException e) {
                    testTokens = List.of();
                }
                k += 2;
                oneLine = true;
            } else {
                int from = k;
                while (k < n && !tokens.get(k).is("{") && !tokens.get(k).is(";") && !tokens.get(k).is("}")) {
                    k++;
                }
                testTokens = tokens.subList(from, k);
                testsStart = from < k ? tokens.get(from).start() - start : ifToken.end() - start;
                Token lastTest = from < k ? tokens.get(k - 1) : ifToken;
                oneLine = from < k && k < n && lastTest.line() == ifToken.line()
                        && text.substring(lastTest.start(), lastTest.end()).indexOf('\n') < 0
                        && tokens.get(k).line() > ifToken.line()
                        && testTokens.stream().noneMatch(t -> t.kind() == Kind.COMMENT);
            }
            if (k >= n || !tokens.get(k).is("{")) {
                throw new NotWebmail(ifToken, "the rule '" + name + "' has no '{' block");
            }
            int open = k;
            int close = matching(tokens, open);
            if (close < 0) {
                throw new NotWebmail(tokens.get(open), "'{' without its '}'");
            }
            k = close + 1;
            if (k < n && (tokens.get(k).isIdentifier("elsif") || tokens.get(k).isIdentifier("else"))) {
                throw new NotWebmail(tokens.get(k), "'" + tokens.get(k).value() + "' continues the rule '" + name
                        + "'; the webmail writes each rule as one 'if'");
            }
            while (k < n && tokens.get(k).kind() == Kind.COMMENT && !isRuleComment(tokens.get(k))) {
                k++;
            }
            if (k < n && !isRuleComment(tokens.get(k))) {
                throw outside(tokens.get(k));
            }
            int end = k < n ? lineStart(tokens.get(k).start()) : text.length();
            if (end < tokens.get(close).end()) {
                throw new NotWebmail(tokens.get(k), "a rule begins on the line where another ends");
            }
            List<Token> scan = new ArrayList<>(tokens.subList(open, close + 1));
            scan.addAll(testTokens);
            RuleReader.Tests tests = RuleReader.tests(testTokens);
            List<RuleAction> actions = RuleReader.actions(tokens.subList(open + 1, close));
            out.add(new Block(name, text.substring(start, end), !disabled, tests, actions, scan, falseStart,
                    testsStart, oneLine));
        }
        return new RuleScript(text, eol, null, head, out);
    }

    private static NotWebmail outside(Token t) {
        return new NotWebmail(t, "'" + t.value() + "' is not inside a rule of the webmail (a '# rule:[NAME]' "
                + "comment and one 'if')");
    }

    private static boolean isRuleComment(Token t) {
        return t.kind() == Kind.COMMENT && RULE_COMMENT.matcher(t.value()).find();
    }

    /** The start of the line of {@code offset} when only blanks precede it there, else {@code offset}. */
    private int lineStart(int offset) {
        int k = offset;
        while (k > 0 && (text.charAt(k - 1) == ' ' || text.charAt(k - 1) == '\t')) {
            k--;
        }
        return k == 0 || text.charAt(k - 1) == '\n' ? k : offset;
    }

    /** Index after the command starting at {@code k}: past its {@code ;}, or past its block's {@code }}; -1. */
    static int endOfCommand(List<Token> tokens, int k) {
        int depth = 0;
        for (int j = k + 1; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (t.is("(") || t.is("[")) {
                depth++;
            } else if (t.is(")") || t.is("]")) {
                depth--;
            } else if (depth == 0 && t.is(";")) {
                return j + 1;
            } else if (depth == 0 && t.is("{")) {
                int close = matching(tokens, j);
                return close < 0 ? -1 : close + 1;
            }
        }
        return -1;
    }

    /** Index of the {@code }} closing the {@code {} at {@code open}, or -1. */
    private static int matching(List<Token> tokens, int open) {
        int depth = 0;
        for (int j = open; j < tokens.size(); j++) {
            if (tokens.get(j).is("{")) {
                depth++;
            } else if (tokens.get(j).is("}") && --depth == 0) {
                return j;
            }
        }
        return -1;
    }

    /** The top-level statements of a script not in the webmail's format, require commands left out. */
    private static List<Block> statements(String text, List<Token> tokens) {
        List<Block> out = new ArrayList<>();
        int k = 0;
        while (k < tokens.size()) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.COMMENT) {
                k++;
                continue;
            }
            int end = t.kind() == Kind.IDENTIFIER ? endOfCommand(tokens, k) : -1;
            while (end > 0 && end < tokens.size() && (tokens.get(end).isIdentifier("elsif")
                    || tokens.get(end).isIdentifier("else"))) {
                end = endOfCommand(tokens, end);
            }
            if (end < 0) {
                out.add(raw(text.substring(t.start())));
                break;
            }
            if (!t.isIdentifier("require")) {
                out.add(raw(text.substring(t.start(), tokens.get(end - 1).end())));
            }
            k = end;
        }
        return out;
    }

    private static Block raw(String text) {
        return new Block(null, text, true, null, null, List.of(), -1, 0, false);
    }
}
