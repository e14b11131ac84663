package org.hostctl.server.maillog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.hostctl.api.Addresses;

/**
 * Values taken from logs, made storable and comparable: no NUL (PostgreSQL refuses it in TEXT), bounded length,
 * and the canonical forms filters compare against. Logs are written by other people's programs: nothing here
 * throws for strange input.
 */
public final class LoggedText {
    /** Longest text kept from one log field; longer ones are cut. */
    public static final int MAX_FIELD = 4096;

    private LoggedText() {}

    /** {@code s} without NUL characters and at most {@link #MAX_FIELD} characters long; null stays null. */
    public static String clean(String s) {
        return clean(s, MAX_FIELD);
    }

    public static String clean(String s, int max) {
        if (s == null) {
            return null;
        }
        String t = s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
        return t.length() <= max ? t : t.substring(0, max);
    }

    /**
     * The canonical form of a logged address (lower case, ASCII domain), or null for an empty one: the same form
     * {@link Addresses#comparable} gives hostctl, so that what is stored and what a filter asks for compare equal.
     */
    public static String address(String raw) {
        return raw == null ? null : Addresses.comparable(clean(raw));
    }

    /** The canonical domain of a logged address, or null when it has none. */
    public static String domainOf(String raw) {
        String a = address(raw);
        if (a == null) {
            return null;
        }
        int at = a.lastIndexOf('@');
        return at < 0 || at == a.length() - 1 ? null : a.substring(at + 1);
    }

    private static String domain(String raw) {
        String s = raw.strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Addresses.domain(s);
        } catch (IllegalArgumentException e) {
            return s.toLowerCase(Locale.ROOT);
        }
    }

    /** A short stable id for a stored key: 16 hex digits of SHA-256 over {@code kind:key}. */
    public static String id(String kind, String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((kind + ":" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
