package org.hostctl.server.php;

/**
 * The .htaccess of one directory as seen by the caller: absent, parsed, or unreadable (with a reason).
 *
 * @param directory label of the directory (for reports), e.g. {@code public_html/legacy}
 * @param status    whether a file was found and parsed
 * @param parsed    the directives; {@link ParsedHtaccess#EMPTY} unless {@code status} is PARSED
 * @param reason    why it could not be read; empty unless {@code status} is UNREADABLE
 */
public record HtaccessState(String directory, Status status, ParsedHtaccess parsed, String reason) {
    /** Whether the directory's .htaccess could be taken into account. */
    public enum Status { ABSENT, PARSED, UNREADABLE }

    /** No .htaccess in this directory. */
    public static HtaccessState absent(String directory) {
        return new HtaccessState(directory, Status.ABSENT, ParsedHtaccess.EMPTY, "");
    }

    /** A .htaccess that was read and parsed. */
    public static HtaccessState parsed(String directory, ParsedHtaccess parsed) {
        return new HtaccessState(directory, Status.PARSED, parsed, "");
    }

    /** A .htaccess that could not be read safely (link, FIFO, too large, …). */
    public static HtaccessState unreadable(String directory, String reason) {
        return new HtaccessState(directory, Status.UNREADABLE, ParsedHtaccess.EMPTY, reason);
    }
}
