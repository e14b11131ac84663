package org.hostctl.api;

import java.util.List;

/**
 * Outcome of setting or unsetting a directory's PHP version.
 *
 * @param path the directory
 * @param changed whether the {@code .htaccess} was (or, on a dry run, would be) changed
 * @param dryRun whether nothing was written
 * @param before the setting before
 * @param after the setting after (planned, on a dry run)
 * @param warnings warnings such as an end-of-life version, empty when none
 * @param check what the check of the PHP files before a switch found; null when there was none
 */
public record PhpChange(String path, boolean changed, boolean dryRun, PhpSetting before, PhpSetting after,
        List<String> warnings, PhpCheckReport check) {
    /** Without a check. */
    public PhpChange(String path, boolean changed, boolean dryRun, PhpSetting before, PhpSetting after,
            List<String> warnings) {
        this(path, changed, dryRun, before, after, warnings, null);
    }
}
