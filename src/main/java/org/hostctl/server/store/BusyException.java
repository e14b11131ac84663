package org.hostctl.server.store;

/**
 * The database stayed locked (SQLite {@code SQLITE_BUSY}) or kept aborting the transaction
 * (PostgreSQL serialization failure or deadlock) for every attempt; trying again later may succeed.
 */
public class BusyException extends StoreException {
    public BusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
