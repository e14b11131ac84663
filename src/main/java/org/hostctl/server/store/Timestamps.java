package org.hostctl.server.store;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Timestamps are stored as ISO-8601 UTC text with second precision, e.g. {@code 2026-11-28T19:00:00Z}. */
final class Timestamps {
    private Timestamps() {}

    static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(truncate(instant));
    }

    static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
