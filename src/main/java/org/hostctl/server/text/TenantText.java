package org.hostctl.server.text;

import java.util.Locale;

/**
 * The one check of text a tenant stores and others read later in a terminal, a mail client or a log: display
 * names, autoresponder subjects and texts, Sieve script names, notices. Refused are the C0 controls (on one line
 * all of them; in a text all but line feed and tab), DEL, the C1 controls U+0080-009F (U+009B is a terminal's
 * CSI), the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A-202E,
 * U+2066-2069), which make text read differently from what it is, and the line and paragraph separators
 * U+2028/2029.
 */
public final class TenantText {
    private TenantText() {}

    /**
     * Null when {@code text} is fine, else what is wrong in words, e.g. {@code U+202E (RIGHT-TO-LEFT OVERRIDE) at
     * character 5}.
     *
     * @param multiline whether line feeds and tabs are allowed (a text rather than one line)
     */
    public static String refused(String text, boolean multiline) {
        if (text == null) {
            return null;
        }
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            position++;
            if (refused(cp, multiline)) {
                String name = Character.getName(cp);
                return String.format(Locale.ROOT, "U+%04X", cp) + (name == null ? "" : " (" + name + ")")
                        + " at character " + position;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Whether {@code cp} is refused in one line ({@code multiline} false) or in a text. */
    public static boolean refused(int cp, boolean multiline) {
        if (cp < 0x20) {
            return !(multiline && (cp == '\n' || cp == '\t'));
        }
        return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f
                || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    }
}
