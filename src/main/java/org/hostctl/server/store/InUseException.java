package org.hostctl.server.store;

/** Something cannot be removed because other rows still use it. */
public class InUseException extends StoreException {
    private static final long serialVersionUID = 1L;

    public InUseException(String message) {
        super(message);
    }
}
