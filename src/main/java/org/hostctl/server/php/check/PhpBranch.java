package org.hostctl.server.php.check;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PHP branch such as {@code 7.4}, ordered by version. */
public record PhpBranch(int major, int minor) implements Comparable<PhpBranch> {
    private static final Pattern FORM = Pattern.compile("^(\\d{1,2})\\.(\\d{1,2})(?:$|[^0-9].*|\\.\\d.*)");

    /** The branch at the start of a version such as {@code 8.2}, {@code 8.2.36} or {@code 7.4-fpm}. */
    public static PhpBranch parse(String version) {
        Matcher m = version == null ? null : FORM.matcher(version);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a PHP version: '" + version + "'");
        }
        return new PhpBranch(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether {@code version} starts with a branch. */
    public static boolean isVersion(String version) {
        return version != null && FORM.matcher(version).matches();
    }

    public boolean atLeast(PhpBranch other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(PhpBranch o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
