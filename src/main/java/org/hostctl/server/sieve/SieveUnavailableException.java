package org.hostctl.server.sieve;

/** The backend is down, too slow, or answered nonsense; the message names the backend. */
public class SieveUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String backend;

    public SieveUnavailableException(String backend, String message, Throwable cause) {
        super("mail backend " + backend + ": " + message, cause);
        this.backend = backend;
    }

    public String backend() {
        return backend;
    }
}
