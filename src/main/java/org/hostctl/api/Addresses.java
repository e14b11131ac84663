package org.hostctl.api;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Canonical mail domains and addresses: lower case, no trailing dot, IDN as ASCII A-labels. Everything is
 * canonicalised before any ownership or uniqueness check, so {@code Example.COM.}, {@code example.com} and
 * {@code EXAMPLE.com} are one domain, and {@code exämple.com} is {@code xn--exmple-cua.com}.
 */
public final class Addresses {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Local parts hostd creates mailboxes and aliases with: safe as a maildir name, no '+' (the detail delimiter). */
    private static final Pattern OWN_LOCAL = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?");
    /** Local parts of forwarding destinations (any mailbox on the Internet, within reason). */
    private static final Pattern ANY_LOCAL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");

    private Addresses() {}

    /** An address split into its canonical parts. */
    public record Address(String local, String domain) {
        @Override
        public String toString() {
            return local + "@" + domain;
        }
    }

    /** The canonical ASCII form of a domain, or an {@link IllegalArgumentException} naming the problem. */
    public static String domain(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("no domain given");
        }
        String s = raw.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid domain name");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2 || ascii.length() > 253) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid domain name");
        }
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid domain name");
            }
        }
        return ascii;
    }

    /** The Unicode form of a canonical domain, for display. */
    public static String unicode(String asciiDomain) {
        try {
            return IDN.toUnicode(asciiDomain);
        } catch (IllegalArgumentException e) {
            return asciiDomain;
        }
    }

    /** An address hostd may create a mailbox or alias source for. */
    public static Address own(String raw) {
        Address a = split(raw);
        if (!OWN_LOCAL.matcher(a.local()).matches() || a.local().contains("..")) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid address here: use a-z, 0-9,"
                    + " '.', '-', '_' before the @ (no '+', it separates address details)");
        }
        return a;
    }

    /** Any deliverable address, e.g. a forwarding destination. */
    public static Address any(String raw) {
        Address a = split(raw);
        if (!ANY_LOCAL.matcher(a.local()).matches() || a.local().startsWith(".") || a.local().endsWith(".")
                || a.local().contains("..")) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid address");
        }
        return a;
    }

    private static Address split(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("no address given");
        }
        String s = raw.strip();
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not an address (local@domain)");
        }
        return new Address(s.substring(0, at).toLowerCase(Locale.ROOT), domain(s.substring(at + 1)));
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
