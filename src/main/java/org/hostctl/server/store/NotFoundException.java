package org.hostctl.server.store;

/** A row refers to another row that does not exist, e.g. a docroot for an unknown account. */
public class NotFoundException extends StoreException {
    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
