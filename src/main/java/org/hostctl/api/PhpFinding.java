package org.hostctl.api;

/**
 * One thing in a PHP file that breaks or changes under the checked version.
 *
 * @param file the file, relative to the webspace root
 * @param line the line, from 1
 * @param level {@code breaks} (the site fails), {@code warning} (it runs, the code no longer does what it meant) or
 *     {@code guarded} (found, but on a path the code itself guards; see {@code guard})
 * @param kind {@code syntax-error} (the target's own parser refused the file), {@code function}, {@code variable},
 *     {@code ini} or {@code syntax}
 * @param name what was found, e.g. {@code mysql_connect}, {@code $HTTP_RAW_POST_DATA}, {@code asp-tags}
 * @param removedIn the PHP branch that removed it
 * @param replacement the usual replacement, null when there is none to name
 * @param message one line for people
 * @param source where the removal is documented (a page of PHP's migration guide), or the parser that judged
 * @param guard why a {@code guarded} finding is not counted, else null
 */
public record PhpFinding(String file, int line, String level, String kind, String name, String removedIn,
        String replacement, String message, String source, String guard) {
    public static final String BREAKS = "breaks";
    public static final String WARNING = "warning";
    public static final String GUARDED = "guarded";
}
