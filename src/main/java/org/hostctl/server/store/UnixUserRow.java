package org.hostctl.server.store;

/**
 * A Unix user of the hosting server mapped to an account.
 *
 * @param name Unix user name
 * @param account the account requests on the local socket act for
 * @param readOnly whether the socket gives this user read-only access
 */
public record UnixUserRow(String name, String account, boolean readOnly) {}
