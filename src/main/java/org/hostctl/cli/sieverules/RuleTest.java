package org.hostctl.cli.sieverules;

import java.util.List;

/**
 * One test of a rule, in the terms of Roundcube's filter form.
 *
 * @param test {@code header}, {@code address}, {@code envelope}, {@code body}, {@code size}, {@code exists} or
 *     {@code true} ({@code not} true: false)
 * @param not negated
 * @param match {@code contains}, {@code is}, {@code matches} or {@code regex}; null for size, exists and true
 * @param part address part ({@code localpart}, {@code domain}, {@code user}, {@code detail}; null for all) or body
 *     transform ({@code raw}, {@code text}; null for the default)
 * @param comparator a comparator other than the default, or null
 * @param headers the header fields (header, address, envelope, exists)
 * @param keys what is looked for (header, address, envelope, body)
 * @param over the size limit of {@code size :over} (e.g. {@code 100K}), or null
 * @param under the size limit of {@code size :under}, or null
 */
public record RuleTest(String test, boolean not, String match, String part, String comparator, List<String> headers,
        List<String> keys, String over, String under) {
    public RuleTest {
        headers = headers == null ? null : List.copyOf(headers);
        keys = keys == null ? null : List.copyOf(keys);
    }

    public static RuleTest header(String header, String match, List<String> keys) {
        return new RuleTest("header", false, match, null, null, List.of(header), keys, null, null);
    }

    public static RuleTest body(String part, String match, List<String> keys) {
        return new RuleTest("body", false, match, part, null, null, keys, null, null);
    }

    public static RuleTest size(boolean over, String limit) {
        return new RuleTest("size", false, null, null, null, null, null, over ? limit : null, over ? null : limit);
    }

    public RuleTest negated(boolean negate) {
        return negate ? new RuleTest(test, !not, match, part, comparator, headers, keys, over, under) : this;
    }
}
