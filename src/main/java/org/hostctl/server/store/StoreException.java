package org.hostctl.server.store;

/** A database operation failed; the message says what was attempted, the cause carries the driver's error. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
