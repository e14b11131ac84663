package org.hostctl.server.auth;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a new token stops working: a time after its issue ({@code 90d}, {@code 12h}), a fixed date or instant
 * ({@code 2027-03-01}, meaning 00:00 UTC of that day, or {@code 2027-03-01T12:00:00Z}), or {@code never}.
 *
 * @param after the lifetime, or null
 * @param at the fixed instant, or null; both null means never
 */
public record TokenExpiry(Duration after, Instant at) {
    /** The token never expires. */
    public static final TokenExpiry NEVER = new TokenExpiry(null, null);

    private static final Pattern RELATIVE = Pattern.compile("([1-9][0-9]{0,5})([dh])");
    /** Longest lifetime accepted, so that the instant stays a sane date: about 100 years. */
    private static final Duration LONGEST = Duration.ofDays(36_500);

    /** A token that stops working {@code after} its issue. */
    public static TokenExpiry after(Duration after) {
        return new TokenExpiry(after, null);
    }

    /**
     * Reads {@code 90d}, {@code 12h}, {@code never} and, when {@code dates} is set, {@code 2027-03-01} (00:00 UTC)
     * and {@code 2027-03-01T12:00:00Z}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static TokenExpiry parse(String text, boolean dates) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.equals("never")) {
            return NEVER;
        }
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = m.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n);
            if (d.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("'" + text + "' is too long a lifetime; at most 36500d");
            }
            return after(d);
        }
        if (dates) {
            try {
                if (s.length() == 10) {
                    return new TokenExpiry(null, LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
                }
                return new TokenExpiry(null, Instant.parse(text.strip()).truncatedTo(ChronoUnit.SECONDS));
            } catch (DateTimeException e) {
                // the message below says what is accepted
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an expiry; use a number of days or hours (90d, 12h)"
                + (dates ? ", a date (2027-03-01), an instant (2027-03-01T12:00:00Z)" : "") + " or never");
    }

    /** The instant a token issued {@code now} expires, null for never. */
    public Instant resolve(Instant now) {
        if (at != null) {
            return at;
        }
        return after == null ? null : now.plus(after).truncatedTo(ChronoUnit.SECONDS);
    }

    @Override
    public String toString() {
        if (at != null) {
            return at.toString();
        }
        if (after == null) {
            return "never";
        }
        return after.toHours() % 24 == 0 ? after.toDays() + "d" : after.toHours() + "h";
    }
}
