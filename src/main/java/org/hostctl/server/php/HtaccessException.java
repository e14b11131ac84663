package org.hostctl.server.php;

/** A .htaccess that hostd refuses to edit, e.g. a malformed marker block; the message names the line. */
public class HtaccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line reason. */
    public HtaccessException(String message) {
        super(message);
    }
}
