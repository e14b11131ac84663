package org.hostctl.server.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small scanner over Sieve's lexical syntax (RFC 5228 section 2): strings, {@code text:} literals, tags, numbers,
 * comments. It is no parser: it finds the commands a policy cares about ({@code redirect}, {@code vacation},
 * {@code notify}) and their arguments, linear in the input, which the caller has already capped in size. Malformed
 * input ends the scan; the compiler refuses such a script anyway.
 */
public final class SieveScan {
    /** A token kind. */
    public enum Kind { IDENT, TAG, STRING, NUMBER, PUNCT }

    /** A token; {@code text} is a string's value (escapes resolved, dot-stuffing removed) or the token itself. */
    public record Token(Kind kind, String text, long number, int line) {}

    /** A command of interest with its arguments up to the terminating {@code ;} or block. */
    public record Command(String name, int line, List<Token> arguments) {
        /** The number right after a tag (e.g. {@code :days 7}), or null. */
        public Long number(String tag) {
            Token t = after(tag);
            return t != null && t.kind() == Kind.NUMBER ? t.number() : null;
        }

        /** The string right after a tag (e.g. {@code :from "a@b"}), or null. */
        public String string(String tag) {
            Token t = after(tag);
            return t != null && t.kind() == Kind.STRING ? t.text() : null;
        }

        /** The value of a tag's argument (a number or string right after it), or null. */
        private Token after(String tag) {
            for (int i = 0; i + 1 < arguments.size(); i++) {
                Token t = arguments.get(i);
                if (t.kind() == Kind.TAG && t.text().equalsIgnoreCase(tag)) {
                    return arguments.get(i + 1);
                }
            }
            return null;
        }

        /** The last string argument (a string list's strings are all returned), the command's main argument. */
        public List<String> lastStrings() {
            List<String> out = new ArrayList<>();
            for (int i = arguments.size() - 1; i >= 0; i--) {
                Token t = arguments.get(i);
                if (t.kind() == Kind.STRING) {
                    out.add(0, t.text());
                    if (i == 0 || !arguments.get(i - 1).text().equals(",")) {
                        break;
                    }
                    i--;
                } else if (!(t.kind() == Kind.PUNCT && (t.text().equals("]") || t.text().equals("[")))) {
                    break;
                }
            }
            return out;
        }
    }

    /**
     * The addresses of a {@code mailto:} URI (RFC 6068): before {@code ?} and in {@code to}, {@code cc} and
     * {@code bcc} header fields, comma-separated and percent-decoded. Empty for another scheme.
     */
    public static List<String> mailtoTargets(String uri) {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return List.of();
        }
        String rest = uri.substring(7);
        int q = rest.indexOf('?');
        List<String> fields = new ArrayList<>();
        fields.add(q >= 0 ? rest.substring(0, q) : rest);
        if (q >= 0) {
            for (String h : rest.substring(q + 1).split("&")) {
                int eq = h.indexOf('=');
                String key = decode(eq < 0 ? h : h.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                if (eq >= 0 && (key.equals("to") || key.equals("cc") || key.equals("bcc"))) {
                    fields.add(h.substring(eq + 1));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            for (String a : decode(f).split(",")) {
                if (!a.isBlank()) {
                    out.add(a.strip());
                }
            }
        }
        return out;
    }

    /** Percent-decoding of a URI part (RFC 3986); {@code +} stays a plus; malformed input is returned as is. */
    public static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private final String s;
    private int pos;
    private int line = 1;

    private SieveScan(String s) {
        this.s = s;
    }

    /** The commands named {@code names} (case-insensitive) in {@code script}, in order. */
    public static List<Command> commands(String script, List<String> names) {
        List<Token> tokens = new SieveScan(script).tokens();
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() != Kind.IDENT || !names.contains(t.text().toLowerCase(Locale.ROOT))) {
                continue;
            }
            List<Token> args = new ArrayList<>();
            int j = i + 1;
            for (; j < tokens.size(); j++) {
                Token a = tokens.get(j);
                if (a.kind() == Kind.PUNCT && (a.text().equals(";") || a.text().equals("{") || a.text().equals("}"))) {
                    break;
                }
                args.add(a);
            }
            out.add(new Command(t.text().toLowerCase(Locale.ROOT), t.line(), List.copyOf(args)));
            i = j;
        }
        return out;
    }

    private List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                skipLine();
            } else if (c == '/' && s.startsWith("/*", pos)) {
                int end = s.indexOf("*/", pos + 2);
                if (end < 0) {
                    break;
                }
                countLines(pos, end + 2);
                pos = end + 2;
            } else if (c == '"') {
                int start = line;
                String v = quoted();
                if (v == null) {
                    break;
                }
                out.add(new Token(Kind.STRING, v, 0, start));
            } else if (c == ':' ) {
                int start = pos++;
                identEnd();
                out.add(new Token(Kind.TAG, s.substring(start, pos), 0, line));
            } else if (isIdentStart(c)) {
                int start = pos;
                identEnd();
                String ident = s.substring(start, pos);
                if (ident.equalsIgnoreCase("text") && pos < s.length() && s.charAt(pos) == ':') {
                    pos++;
                    int startLine = line;
                    String v = multiLine();
                    if (v == null) {
                        break;
                    }
                    out.add(new Token(Kind.STRING, v, 0, startLine));
                } else {
                    out.add(new Token(Kind.IDENT, ident, 0, line));
                }
            } else if (c >= '0' && c <= '9') {
                out.add(number());
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), 0, line));
                pos++;
            }
        }
        return out;
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private void identEnd() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (isIdentStart(c) || (c >= '0' && c <= '9')) {
                pos++;
            } else {
                return;
            }
        }
    }

    private Token number() {
        int start = pos;
        long n = 0;
        while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
            n = Math.min(Long.MAX_VALUE / 16, n * 10 + (s.charAt(pos) - '0'));
            pos++;
        }
        if (pos < s.length()) {
            switch (Character.toUpperCase(s.charAt(pos))) {
                case 'K' -> { n *= 1024; pos++; }
                case 'M' -> { n *= 1024 * 1024; pos++; }
                case 'G' -> { n *= 1024L * 1024 * 1024; pos++; }
                default -> { }
            }
        }
        return new Token(Kind.NUMBER, s.substring(start, pos), n, line);
    }

    private String quoted() {
        StringBuilder v = new StringBuilder();
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return v.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    return null;
                }
                c = s.charAt(pos++);
            }
            if (c == '\n') {
                line++;
            }
            v.append(c);
        }
        return null;
    }

    private String multiLine() {
        // rest of the "text:" line: whitespace and an optional hash comment
        int eol = s.indexOf('\n', pos);
        if (eol < 0) {
            return null;
        }
        pos = eol + 1;
        line++;
        StringBuilder v = new StringBuilder();
        while (pos < s.length()) {
            int end = s.indexOf('\n', pos);
            String l = s.substring(pos, end < 0 ? s.length() : end);
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            pos = end < 0 ? s.length() : end + 1;
            line++;
            if (l.equals(".")) {
                return v.toString();
            }
            v.append(l.startsWith("..") ? l.substring(1) : l).append('\n');
        }
        return null;
    }

    private void skipLine() {
        int end = s.indexOf('\n', pos);
        pos = end < 0 ? s.length() : end;
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
    }
}
