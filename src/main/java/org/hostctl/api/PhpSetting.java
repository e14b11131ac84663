package org.hostctl.api;

import java.time.LocalDate;
import java.util.List;

/**
 * The effective PHP version of one directory.
 *
 * @param path directory relative to the webspace root
 * @param version effective version, null when the deciding handler is unknown
 * @param handler the deciding handler name or proxy value
 * @param source {@code directory} (set in this directory), {@code inherited} or {@code default}
 * @param inheritedFrom with {@code inherited}: the directory whose {@code .htaccess} decides
 * @param managed whether the deciding line is inside hostd's marker block
 * @param line line of the deciding directive in its {@code .htaccess}, null for the default
 * @param endOfLife whether that version's security support has ended
 * @param securitySupportUntil end of security support of that version
 * @param problems what is wrong (unknown handler, unreadable {@code .htaccess}, shadowed lines), empty when none
 */
public record PhpSetting(String path, String version, String handler, String source, String inheritedFrom,
        boolean managed, Integer line, boolean endOfLife, LocalDate securitySupportUntil, List<String> problems) {
    /** Source: set in the directory itself. */
    public static final String DIRECTORY = "directory";
    /** Source: inherited from a parent directory. */
    public static final String INHERITED = "inherited";
    /** Source: the account default. */
    public static final String DEFAULT = "default";
}
