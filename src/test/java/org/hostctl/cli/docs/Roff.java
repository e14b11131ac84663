package org.hostctl.cli.docs;

import java.util.ArrayList;
import java.util.List;

/** Writes roff source with man(7) macros; escapes text so that every character prints as itself. */
final class Roff {
    private final StringBuilder out = new StringBuilder();

    /**
     * {@code s} escaped for roff text: backslash, and hyphen, apostrophe, grave and tilde, which groff
     * would otherwise print as typographic characters (breaking copy and paste of options and commands).
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\e");
                case '-' -> b.append("\\-");
                case '\'' -> b.append("\\(aq");
                case '`' -> b.append("\\(ga");
                case '~' -> b.append("\\(ti");
                case '^' -> b.append("\\(ha");
                default -> {
                    if (c < ' ' && c != '\t') {
                        throw new IllegalArgumentException("control character in man page text: " + (int) c);
                    }
                    b.append(c);
                }
            }
        }
        return b.toString();
    }

    static String bold(String s) {
        return "\\fB" + escape(s) + "\\fR";
    }

    static String italic(String s) {
        return "\\fI" + escape(s) + "\\fR";
    }

    /** {@code .\" text}. */
    void comment(String text) {
        out.append(".\\\" ").append(text).append('\n');
    }

    /** {@code .NAME "arg" ...}; arguments are escaped and quoted. */
    void macro(String name, String... args) {
        out.append('.').append(name);
        for (String a : args) {
            out.append(" \"").append(escape(a).replace("\"", "\\(dq")).append('"');
        }
        out.append('\n');
    }

    /** A request as given, e.g. {@code ad l}. */
    void request(String request) {
        out.append('.').append(request).append('\n');
    }

    void section(String title) {
        macro("SH", title);
    }

    /** A text line, escaped. */
    void text(String line) {
        raw(escape(line));
    }

    /** Lines already in roff; a line starting with a control character is protected. */
    void raw(String lines) {
        for (String line : lines.split("\n", -1)) {
            if (line.startsWith(".") || line.startsWith("'")) {
                out.append("\\&");
            }
            out.append(line).append('\n');
        }
    }

    /**
     * Help text as paragraphs, one element of a picocli {@code description} or {@code footer} array at a time
     * (with {@code %n} already resolved to a line break): a blank element starts a new paragraph; an element
     * indented by two or more spaces is shown as it is, as are the indented elements after it; any other
     * element is free text that roff fills. Free text starts on a new line where picocli starts one: at the
     * next element ({@code .br} between two free elements in a row) and at a line break inside an element.
     */
    void paragraphs(List<String> elements) {
        List<String> block = new ArrayList<>();
        boolean afterText = false;
        for (int i = 0; i < elements.size(); i++) {
            String element = elements.get(i);
            if (element.isBlank()) {
                if (i + 1 < elements.size()) {
                    out.append(".PP\n");
                }
                afterText = false;
                continue;
            }
            String[] lines = element.split("\n", -1);
            if (element.startsWith("  ")) {
                for (String line : lines) {
                    block.add(line.startsWith("  ") ? line.substring(2) : line);
                }
                if (i + 1 == elements.size() || !elements.get(i + 1).startsWith("  ")) {
                    preformatted(block);
                    block.clear();
                }
                afterText = false;
                continue;
            }
            for (String line : lines) {
                if (afterText) {
                    out.append(".br\n");
                }
                text(line.strip());
                afterText = true;
            }
        }
    }

    /** Lines shown as they are, indented: {@code .RS}, {@code .nf} ... {@code .fi}, {@code .RE}. */
    void preformatted(List<String> lines) {
        out.append(".RS 4\n.nf\n");
        for (String line : lines) {
            text(line);
        }
        out.append(".fi\n.RE\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
