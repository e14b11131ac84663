package org.hostctl.server.php;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.server.config.HostdConfig.Release;

/** Release and end-of-life dates of PHP branches: php.net's table, extended or corrected by the configuration. */
public final class PhpReleases {
    private static final List<Release> BUILT_IN = List.of(
            release("5.3", "2009-06-30", "2013-07-11", "2014-08-14", "5.3.29"),
            release("5.4", "2012-03-01", "2014-09-14", "2015-09-03", "5.4.45"),
            release("5.5", "2013-06-20", "2015-07-10", "2016-07-21", "5.5.38"),
            release("5.6", "2014-08-28", "2017-01-19", "2018-12-31", "5.6.40"),
            release("7.0", "2015-12-03", "2018-01-04", "2019-01-10", "7.0.33"),
            release("7.1", "2016-12-01", "2018-12-01", "2019-12-01", "7.1.33"),
            release("7.2", "2017-11-30", "2019-11-30", "2020-11-30", "7.2.34"),
            release("7.3", "2018-12-06", "2020-12-06", "2021-12-06", "7.3.33"),
            release("7.4", "2019-11-28", "2021-11-28", "2022-11-28", "7.4.33"),
            release("8.0", "2020-11-26", "2022-11-26", "2023-11-26", "8.0.30"),
            release("8.1", "2021-11-25", "2023-11-25", "2025-12-31", "8.1.34"),
            release("8.2", "2022-12-08", "2024-12-31", "2026-12-31", null),
            release("8.3", "2023-11-23", "2025-12-31", "2027-12-31", null),
            release("8.4", "2024-11-21", "2026-12-31", "2028-12-31", null),
            release("8.5", "2025-11-20", "2027-12-31", "2029-12-31", null));

    private final Map<String, Release> byBranch = new LinkedHashMap<>();

    /** The built-in table with {@code extra} added; an extra branch replaces a built-in one. */
    public PhpReleases(List<Release> extra) {
        for (Release r : BUILT_IN) {
            byBranch.put(r.branch(), r);
        }
        for (Release r : extra) {
            if (r.branch() == null || r.securitySupportUntil() == null) {
                throw new IllegalArgumentException("php.releases: each entry needs branch and securitySupportUntil");
            }
            byBranch.put(r.branch(), r);
        }
    }

    /** Dates of a branch such as {@code 7.4}. */
    public Optional<Release> branch(String branch) {
        return Optional.ofNullable(byBranch.get(branch));
    }

    /** Whether the branch's security support ended before {@code today}; unknown branches are not end of life. */
    public boolean endOfLife(String branch, LocalDate today) {
        return branch(branch).map(r -> r.securitySupportUntil().isBefore(today)).orElse(false);
    }

    private static Release release(String branch, String released, String active, String security, String last) {
        return new Release(branch, LocalDate.parse(released), LocalDate.parse(active), LocalDate.parse(security),
                last);
    }
}
