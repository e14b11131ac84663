package org.hostctl.server.store;

/** A row with the same key already exists, e.g. {@code account 'alice' already exists}. */
public class DuplicateException extends StoreException {
    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
