package org.hostctl.api;

/**
 * Body of a request to set a directory's PHP version.
 *
 * @param version the version to run, one of {@code GET /v1/php/versions}
 * @param allowEol set an end-of-life version anyway
 * @param dryRun only report what would change
 * @param skipCheck switch without checking the PHP files first
 * @param checkId a finished check of this directory, recursive, against the version's branch, at most five minutes
 *     old ({@code POST /v1/php/checks}), whose report stands in for the check before the switch; else null
 */
public record PhpSetRequest(String version, boolean allowEol, boolean dryRun, boolean skipCheck, String checkId) {
    /** Without skipping the check. */
    public PhpSetRequest(String version, boolean allowEol, boolean dryRun) {
        this(version, allowEol, dryRun, false, null);
    }
}
