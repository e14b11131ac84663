package org.hostctl.server.php;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Extracts the directives that select the handler of .php files from a .htaccess, without interpreting anything
 * else. Tolerates a BOM, CRLF/LF/CR line ends, a missing final newline, invalid UTF-8 (decoded with replacement
 * characters), NUL and binary junk. Size limits are the caller's concern (read the file with a cap).
 *
 * <p>Recognised: {@code AddHandler <name> <ext…>} and {@code AddType application/x-httpd-… <ext…>} with
 * {@code php}/{@code .php} among the extensions, {@code RemoveHandler … .php}, and {@code SetHandler} outside any
 * section or inside {@code <Files>}/{@code <FilesMatch>} sections that match {@code index.php}. Other sections
 * ({@code <IfModule>}, {@code <If>}, …) are treated as active. Directive and section names are case-insensitive,
 * trailing-backslash continuation lines are joined, quotes are removed as Apache does.
 */
public final class HtaccessParser {
    private static final String SAMPLE = "index.php";
    private static final int MAX_PATTERN_LENGTH = 1024;

    private HtaccessParser() {}

    /** Parses the bytes of a .htaccess. */
    public static ParsedHtaccess parse(byte[] content) {
        List<Directive> found = new ArrayList<>();
        Deque<Boolean> sections = new ArrayDeque<>();
        int nonMatching = 0;
        boolean inBlock = false;
        StringBuilder pending = null;
        int pendingLine = 0;
        boolean pendingInBlock = false;
        for (Lines.Line line : Lines.split(content)) {
            if (pending == null) {
                if (Lines.lineEquals(content, line, HtaccessBlock.BEGIN)) {
                    inBlock = true;
                    continue;
                }
                if (Lines.lineEquals(content, line, HtaccessBlock.END)) {
                    inBlock = false;
                    continue;
                }
            }
            String text = new String(content, line.start(), line.contentEnd() - line.start(), StandardCharsets.UTF_8);
            String right = stripTrailing(text);
            if (pending == null) {
                pending = new StringBuilder();
                pendingLine = line.number();
                pendingInBlock = inBlock;
            }
            if (right.endsWith("\\")) {
                pending.append(right, 0, right.length() - 1);
                continue;
            }
            pending.append(text);
            String logical = pending.toString().strip();
            pending = null;

            if (logical.isEmpty() || logical.charAt(0) == '#') {
                continue;
            }
            if (logical.startsWith("</")) {
                if (!sections.isEmpty() && !sections.pop()) {
                    nonMatching--;
                }
                continue;
            }
            if (logical.charAt(0) == '<') {
                boolean applies = sectionApplies(logical);
                sections.push(applies);
                if (!applies) {
                    nonMatching++;
                }
                continue;
            }
            if (nonMatching == 0) {
                directive(logical, pendingLine, pendingInBlock, found);
            }
        }
        return new ParsedHtaccess(found);
    }

    private static void directive(String logical, int line, boolean inBlock, List<Directive> found) {
        int space = firstSpace(logical);
        String name = logical.substring(0, space).toLowerCase(Locale.ROOT);
        switch (name) {
            case "addhandler", "sethandler", "addtype", "removehandler" -> {
                List<String> args = words(logical.substring(space));
                Directive d = toDirective(name, args, line, inBlock);
                if (d != null) {
                    found.add(d);
                }
            }
            default -> {
                // not PHP-relevant
            }
        }
    }

    private static Directive toDirective(String name, List<String> args, int line, boolean inBlock) {
        switch (name) {
            case "addhandler":
                return args.size() >= 2 && mentionsPhp(args.subList(1, args.size()))
                        ? new Directive(Directive.Kind.ADD_HANDLER, args.get(0), line, inBlock) : null;
            case "sethandler":
                return args.isEmpty() ? null : new Directive(Directive.Kind.SET_HANDLER, args.get(0), line, inBlock);
            case "addtype":
                return args.size() >= 2 && args.get(0).toLowerCase(Locale.ROOT).startsWith("application/x-httpd-")
                        && mentionsPhp(args.subList(1, args.size()))
                        ? new Directive(Directive.Kind.ADD_TYPE, args.get(0), line, inBlock) : null;
            case "removehandler":
                for (String ext : args) {
                    if (isPhp(ext)) {
                        return new Directive(Directive.Kind.REMOVE_HANDLER, ext, line, inBlock);
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static boolean mentionsPhp(List<String> extensions) {
        return extensions.stream().anyMatch(HtaccessParser::isPhp);
    }

    private static boolean isPhp(String extension) {
        String e = extension.startsWith(".") ? extension.substring(1) : extension;
        return e.equalsIgnoreCase("php");
    }

    /** Whether a section opened by {@code logical} applies to .php files. */
    private static boolean sectionApplies(String logical) {
        String inner = logical.substring(1);
        if (inner.endsWith(">")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        List<String> words = words(inner);
        if (words.isEmpty()) {
            return true;
        }
        String section = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        switch (section) {
            case "filesmatch":
                return !args.isEmpty() && regexMatches(args.get(0));
            case "files":
                if (args.size() >= 2 && args.get(0).equals("~")) {
                    return regexMatches(args.get(1));
                }
                return !args.isEmpty() && wildcardMatches(args.get(0));
            default:
                return true;
        }
    }

    private static boolean regexMatches(String regex) {
        if (regex.length() > MAX_PATTERN_LENGTH) {
            return false;
        }
        try {
            return Pattern.compile(regex).matcher(SAMPLE).find();
        } catch (PatternSyntaxException | StackOverflowError e) {
            return false;
        }
    }

    private static boolean wildcardMatches(String wildcard) {
        StringBuilder regex = new StringBuilder();
        for (char c : wildcard.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return wildcard.length() <= MAX_PATTERN_LENGTH && Pattern.matches(regex.toString(), SAMPLE);
    }

    /** Splits arguments like Apache's {@code ap_getword_conf}: blanks separate, quotes group, {@code \"} escapes. */
    static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return words;
            }
            char quote = s.charAt(i);
            StringBuilder word = new StringBuilder();
            if (quote == '"' || quote == '\'') {
                i++;
                while (i < n && s.charAt(i) != quote) {
                    if (s.charAt(i) == '\\' && i + 1 < n && s.charAt(i + 1) == quote) {
                        i++;
                    }
                    word.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < n && !isSpace(s.charAt(i))) {
                    word.append(s.charAt(i++));
                }
            }
            words.add(word.toString());
        }
    }

    private static int firstSpace(String s) {
        int i = 0;
        while (i < s.length() && !isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0B;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
