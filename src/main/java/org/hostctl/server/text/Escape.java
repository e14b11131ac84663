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
}
