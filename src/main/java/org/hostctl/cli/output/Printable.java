package org.hostctl.cli.output;

/** Makes server-supplied text safe for a terminal: control characters shown as escapes, never sent raw. */
public final class Printable {
    private Printable() {}

    /** {@code text} with control characters (ESC, CR, TAB, LF, C1, bidi controls …) replaced by escapes. */
    public static String of(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || isControl(c)) {
                if (b == null) {
                    b = new StringBuilder(text.substring(0, i));
                }
                b.append(escape(c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * Whether a terminal may take {@code c} as (part of) a control sequence or a reordering of the text: C0
     * controls, DEL, the C1 controls U+0080-009F (U+009B is CSI), the bidirectional marks, embeddings, overrides
     * and isolates (U+061C, U+200E, U+200F, U+202A-202E, U+2066-2069) and the line and paragraph separators.
     */
    public static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x061c || c == 0x200e || c == 0x200f
                || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** The visible form of a control: {@code \xNN} up to U+00FF, else {@code \\uNNNN}. */
    static String escape(char c) {
        return c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
    }

    /** Display width, counting code points. */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
