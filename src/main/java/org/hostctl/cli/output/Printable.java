package org.hostctl.cli.output;

/** Makes server-supplied text safe for a terminal: control characters shown as escapes, never sent raw. */
public final class Printable {
    private Printable() {}

    /** {@code text} with control characters (ESC, CR, …) replaced by {@code \xNN} escapes. */
    public static String of(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
            if (control) {
                if (b == null) {
                    b = new StringBuilder(text.substring(0, i));
                }
                b.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }

    /** Display width, counting code points. */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
