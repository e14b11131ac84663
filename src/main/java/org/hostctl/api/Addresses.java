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

    /**
     * Any deliverable address with a dot-string local part, e.g. a forwarding destination. Quoted local parts
     * ({@code "odd, user"@example.net}) are refused with a message saying so: hostd does not forward to them.
     */
    public static Address any(String raw) {
        if (raw != null && raw.strip().startsWith("\"")) {
            throw new IllegalArgumentException("'" + printable(raw) + "' has a quoted local part; forwarding to such"
                    + " an address is not supported");
        }
        Address a = split(raw);
        if (!ANY_LOCAL.matcher(a.local()).matches() || a.local().startsWith(".") || a.local().endsWith(".")
                || a.local().contains("..")) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not a valid address");
        }
        return a;
    }

    /**
     * An address as Postfix logs it, for comparing with a send log: the local part is an RFC 5321 dot-string or
     * quoted string ({@code "odd, user"@example.net}, with backslash escapes), taken to its plain form and
     * written back the way Postfix writes addresses in its logs: bare when it is a dot-string, else in double
     * quotes with {@code "} and {@code \} escaped by a backslash. So {@code "bob"@example.net} is
     * {@code bob@example.net}, and {@code "odd\,\ user"@x.test} is {@code "odd, user"@x.test}. Lower case, the
     * domain canonical.
     */
    public static Address logged(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("no address given");
        }
        String s = raw.strip();
        String plain;
        int at;
        if (s.startsWith("\"")) {
            StringBuilder b = new StringBuilder();
            int i = 1;
            boolean closed = false;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) >= 0x20 && s.charAt(i + 1) != 0x7f) {
                    b.append(s.charAt(++i));
                } else if (c == '"') {
                    closed = true;
                    break;
                } else if (c < 0x20 || c == 0x7f || c == '\\') {
                    break;
                } else {
                    b.append(c);
                }
            }
            at = i + 1;
            if (!closed || at >= s.length() || s.charAt(at) != '@' || b.length() == 0 || b.length() > 64) {
                throw new IllegalArgumentException("'" + printable(raw) + "' is not an address (local@domain, the"
                        + " local part a dot-string or a quoted string like \"odd, user\")");
            }
            plain = b.toString();
        } else {
            at = s.lastIndexOf('@');
            if (at <= 0 || at != s.indexOf('@') || !ANY_LOCAL.matcher(s.substring(0, at).toLowerCase(Locale.ROOT))
                    .matches() || !dotString(s.substring(0, at))) {
                throw new IllegalArgumentException("'" + printable(raw) + "' is not an address (local@domain, the"
                        + " local part a dot-string or a quoted string like \"odd, user\")");
            }
            plain = s.substring(0, at);
        }
        if (at == s.length() - 1) {
            throw new IllegalArgumentException("'" + printable(raw) + "' is not an address (local@domain)");
        }
        return new Address(postfixLocal(plain).toLowerCase(Locale.ROOT), domain(s.substring(at + 1)));
    }

    /** Domains of logged addresses and their comparable form: a log repeats few domains very often. */
    private static final java.util.Map<String, String> COMPARABLE_DOMAINS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int COMPARABLE_DOMAINS_MAX = 10_000;

    /**
     * An address as it appears in a send log, in the form {@link #logged} gives a filter: lower case, the domain
     * canonical when it is a valid one; null for an empty address. Never throws.
     */
    public static String comparable(String loggedAddress) {
        if (loggedAddress == null) {
            return null;
        }
        String s = loggedAddress.strip();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return null;
        }
        int at = s.lastIndexOf('@');
        if (at < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        String raw = s.substring(at + 1);
        String d = COMPARABLE_DOMAINS.get(raw);
        if (d == null) {
            try {
                d = domain(raw);
            } catch (IllegalArgumentException e) {
                d = raw.strip().toLowerCase(Locale.ROOT);
            }
            if (COMPARABLE_DOMAINS.size() >= COMPARABLE_DOMAINS_MAX) {
                COMPARABLE_DOMAINS.clear();
            }
            COMPARABLE_DOMAINS.put(raw, d);
        }
        return s.substring(0, at).toLowerCase(Locale.ROOT) + "@" + d;
    }

    /** A plain local part as Postfix writes it in logs (its quote_822_local). */
    private static String postfixLocal(String plain) {
        if (dotString(plain)) {
            return plain;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            if (c == '"' || c == '\\' || c == '\r') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** Atoms separated by single dots, as Postfix decides whether a local part needs quotes. */
    private static boolean dotString(String local) {
        if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == ' ' || c < 0x20 || c == 0x7f || "()<>@,;:\\\"[]".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
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
