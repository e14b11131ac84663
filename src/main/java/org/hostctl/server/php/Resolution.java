package org.hostctl.server.php;

import java.util.List;

/**
 * The effective PHP handler of a directory and where it comes from.
 *
 * @param handler   handler name or proxy URL; {@code null} only when {@code origin} is REMOVED
 * @param origin    this directory's .htaccess, an ancestor's, the account default, or removed
 * @param directory the directory whose .htaccess decides; {@code null} for ACCOUNT_DEFAULT
 * @param directive the deciding directive; {@code null} for ACCOUNT_DEFAULT
 * @param problems  things the caller should report (unreadable files, unknown handlers, …)
 * @param shadowed  directives that look like a selection but have no effect
 */
public record Resolution(String handler, Origin origin, String directory, Directive directive,
        List<Problem> problems, List<Shadowed> shadowed) {
    /** Where the effective handler comes from. */
    public enum Origin { THIS_DIRECTORY, INHERITED, ACCOUNT_DEFAULT, REMOVED }

    /** Copies the lists. */
    public Resolution {
        problems = List.copyOf(problems);
        shadowed = List.copyOf(shadowed);
    }

    /** A finding about one directory. */
    public record Problem(Kind kind, String directory, String message) {
        /** Problem categories with stable names. */
        public enum Kind { UNREADABLE, UNKNOWN_HANDLER, HANDLER_REMOVED, ADD_TYPE_IGNORED }
    }

    /** A directive without effect because a SetHandler in {@code shadowedBy} (same or higher) wins. */
    public record Shadowed(String directory, Directive directive, String shadowedBy) {}
}
