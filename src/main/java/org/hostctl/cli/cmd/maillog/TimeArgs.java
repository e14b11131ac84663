package org.hostctl.cli.cmd.maillog;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.cli.HostctlException;

/** Times and durations on the command line: {@code 90s}, {@code 2h}, {@code 7d}, a date, or RFC 3339. */
final class TimeArgs {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhdw])");

    private TimeArgs() {}

    /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 1w}. */
    static Duration duration(String option, String raw) {
        Matcher m = DURATION.matcher(raw.strip());
        if (!m.matches()) {
            throw HostctlException.usage(option + ": '" + raw + "' is not a duration like 30s, 5m, 2h, 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /**
     * A point in time: a duration ago ({@code 2h}), a local date ({@code 2026-11-28}, midnight), a local date and
     * time ({@code 2026-11-28T10:00}) or an RFC 3339 date-time.
     */
    static Instant instant(String option, String raw, Instant now, ZoneId zone) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        if (DURATION.matcher(s).matches()) {
            return now.minus(duration(option, s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw HostctlException.usage(option + ": '" + raw + "' is neither a duration (2h, 7d) nor a date"
                    + " (2026-11-28, 2026-11-28T10:00, 2026-11-28T10:00:00Z)");
        }
    }
}
