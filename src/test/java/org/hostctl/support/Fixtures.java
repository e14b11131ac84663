package org.hostctl.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared test values. */
public final class Fixtures {
    /** The day the tests pretend it is: PHP 8.1 is end of life, 8.2 is not yet. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    /** A hostd.yaml offering CGI versions 5.6, 7.4, 8.2 (default), 8.3 and an FPM 8.2. */
    public static final String CONFIG = """
            php:
              default: "8.2"
              versions:
                - {version: "5.6", type: cgi, handler: php56-cgi}
                - {version: "7.4", type: cgi, handler: php74-cgi}
                - {version: "8.2", type: cgi, handler: php82-cgi}
                - {version: "8.3", type: cgi, handler: php83-cgi}
                - {version: "8.2-fpm", branch: "8.2", type: fpm, socket: "/run/php/fpm-{account}.sock"}
            """;

    private Fixtures() {}
}
