package org.hostctl.api;

import java.time.LocalDate;

/**
 * A PHP version offered on this server.
 *
 * @param version what to ask for, e.g. {@code 8.2} or {@code 8.2-fpm}
 * @param branch the PHP branch, e.g. {@code 8.2}
 * @param handler Apache handler name (CGI) or {@code proxy:unix:…} value (FPM) the version is selected with
 * @param type {@code cgi} or {@code fpm}
 * @param isDefault whether it is the account default
 * @param released first release of the branch
 * @param activeSupportUntil end of active support
 * @param securitySupportUntil end of security support (end of life)
 * @param finalRelease last release of an ended branch, else null
 * @param endOfLife whether security support has ended
 * @param state {@code installed}, {@code missing} (the handler's program or socket is not there),
 *     {@code unavailable} (withdrawn by the provider) or {@code demo} (run by no web server); only an installed or
 *     demo version can be set
 */
public record PhpVersion(String version, String branch, String handler, String type, boolean isDefault, LocalDate released,
        LocalDate activeSupportUntil, LocalDate securitySupportUntil, String finalRelease, boolean endOfLife,
        String state) {}
