package org.hostctl.client;

/** The API could not be reached or did not answer in time. */
public class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean tls;

    public UnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param tls whether the server was reached but TLS failed (its certificate not trusted or not for this
     *     host), which more retries or another URL do not mend
     */
    public UnavailableException(String message, Throwable cause, boolean tls) {
        super(message, cause);
        this.tls = tls;
    }

    /** Whether the server was reached but TLS failed. */
    public boolean tls() {
        return tls;
    }
}
