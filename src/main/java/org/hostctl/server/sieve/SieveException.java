package org.hostctl.server.sieve;

/** A Sieve operation the backend refused or could not do. */
public class SieveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, from the server's response code where it gave one. */
    public enum Code {
        /** The script does not exist. */
        NONEXISTENT,
        /** The script is active and cannot be deleted. */
        ACTIVE,
        /** A script of that name exists. */
        ALREADYEXISTS,
        /** Too many scripts or too large. */
        QUOTA,
        /** The server is busy; try later. */
        TRYLATER,
        /** The name is not acceptable. */
        INVALID_NAME,
        /** Any other refusal. */
        REFUSED
    }

    private final Code code;

    public SieveException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public SieveException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
