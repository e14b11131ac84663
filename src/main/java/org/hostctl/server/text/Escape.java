package org.hostctl.server.text;

/** Makes client- or log-supplied text safe for one line of a log or a problem detail. */
public final class Escape {
    private Escape() {}

    /** Control characters as {@code \\xNN} escapes, at most 300 characters. */
    public static String line(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Control characters removed, runs of white space as one space, trimmed, at most {@code max} characters: for
     * one line shown to customers, e.g. what a server answered.
     */
    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = b.length() > 0;
            } else if (!isControl(c)) {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        return (b.length() > max ? b.substring(0, max) : b.toString()).stripTrailing();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.FORMAT;
    }
}
