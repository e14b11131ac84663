package org.hostctl.server.sieve.policy;

/**
 * A script the provider's Sieve policy refuses: a stable code (e.g. {@code redirect-not-allowed}), the script line
 * and one line of text saying what is refused and why.
 */
public final class SievePolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final int line;

    public SievePolicyException(String code, int line, String message) {
        super("line " + line + ": " + message);
        this.code = code;
        this.line = line;
    }

    /** Stable short code, the end of the problem type. */
    public String code() {
        return code;
    }

    /** The script line of the refused command. */
    public int line() {
        return line;
    }
}
