package org.hostctl.cli.sieverules;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Sieve text into the tokens of RFC 5228 section 8.1, comments included, each with its place in the text, so
 * that a rule can be cut out of a script byte for byte.
 */
final class SieveLexer {
    enum Kind { IDENTIFIER, TAG, NUMBER, STRING, COMMENT, SPECIAL }

    /**
     * One token.
     *
     * @param kind what it is
     * @param value identifier, tag (with its colon), number, the decoded string, a hash comment's text after
     *     {@code #} (a bracket comment's whole text), or the special character
     * @param start offset of its first character
     * @param end offset after its last character
     * @param line its line, from 1
     */
    record Token(Kind kind, String value, int start, int end, int line) {
        boolean is(String special) {
            return kind == Kind.SPECIAL && value.equals(special);
        }

        boolean isIdentifier(String name) {
            return kind == Kind.IDENTIFIER && value.equalsIgnoreCase(name);
        }
    }

    /** Text that is not Sieve; the message names the line. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private SieveLexer(String text) {
        this.text = text;
    }

    static List<Token> tokens(String text) throws SyntaxException {
        return new SieveLexer(text).all();
    }

    private List<Token> all() throws SyntaxException {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (pos >= text.length()) {
                return out;
            }
            out.add(next());
        }
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Token next() throws SyntaxException {
        int start = pos;
        int startLine = line;
        char c = text.charAt(pos);
        if (c == '#') {
            int eol = text.indexOf('\n', pos);
            int end = eol < 0 ? text.length() : eol;
            int valueEnd = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            pos = end;
            return new Token(Kind.COMMENT, text.substring(start + 1, valueEnd), start, end, startLine);
        }
        if (c == '/' && text.startsWith("/*", pos)) {
            int close = text.indexOf("*/", pos + 2);
            if (close < 0) {
                throw new SyntaxException(startLine, "unterminated comment");
            }
            pos = close + 2;
            countLines(start, pos);
            return new Token(Kind.COMMENT, text.substring(start, pos), start, pos, startLine);
        }
        if ("[](){},;".indexOf(c) >= 0) {
            pos++;
            return new Token(Kind.SPECIAL, String.valueOf(c), start, pos, startLine);
        }
        if (c == '"') {
            return quoted(start, startLine);
        }
        if (c == ':') {
            pos++;
            String id = identifier();
            if (id.isEmpty()) {
                throw new SyntaxException(startLine, "':' without a tag name");
            }
            return new Token(Kind.TAG, ":" + id, start, pos, startLine);
        }
        if (c >= '0' && c <= '9') {
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos < text.length() && "KMGkmg".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            return new Token(Kind.NUMBER, text.substring(start, pos), start, pos, startLine);
        }
        String id = identifier();
        if (id.isEmpty()) {
            throw new SyntaxException(startLine, "unexpected character '" + c + "'");
        }
        if (id.equalsIgnoreCase("text") && pos < text.length() && text.charAt(pos) == ':') {
            pos++;
            return multiLine(start, startLine);
        }
        return new Token(Kind.IDENTIFIER, id, start, pos, startLine);
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (pos > start && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private Token quoted(int start, int startLine) throws SyntaxException {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return new Token(Kind.STRING, value.toString(), start, pos, startLine);
            }
            if (c == '\\' && pos + 1 < text.length()) {
                pos++;
                c = text.charAt(pos);
            }
            if (c == '\n') {
                line++;
            }
            value.append(c);
            pos++;
        }
        throw new SyntaxException(startLine, "unterminated string");
    }

    /** {@code text:} up to a line holding only a dot; dot-stuffing undone (RFC 5228 2.4.2). */
    private Token multiLine(int start, int startLine) throws SyntaxException {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '#') {
            while (pos < text.length() && text.charAt(pos) != '\n') {
                pos++;
            }
        }
        if (pos < text.length() && text.charAt(pos) == '\r') {
            pos++;
        }
        if (pos >= text.length() || text.charAt(pos) != '\n') {
            throw new SyntaxException(line, "text: must end its line");
        }
        pos++;
        line++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                break;
            }
            String l = text.substring(pos, eol + 1);
            pos = eol + 1;
            line++;
            String bare = l.endsWith("\r\n") ? l.substring(0, l.length() - 2) : l.substring(0, l.length() - 1);
            if (bare.equals(".")) {
                return new Token(Kind.STRING, value.toString(), start, pos, startLine);
            }
            value.append(bare.startsWith("..") ? l.substring(1) : l);
        }
        throw new SyntaxException(startLine, "text: without its closing '.' line");
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
    }
}
