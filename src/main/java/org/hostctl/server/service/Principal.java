package org.hostctl.server.service;

import java.time.Instant;

/**
 * The account a request acts for, as its token or, on the local socket, its Unix user says.
 *
 * @param account account name
 * @param tokenId id of the presented token; null on the local socket
 * @param readOnly whether the request may only read
 * @param tokenExpiresAt when the token stops working, null if never or on the local socket
 * @param unixUser the Unix user of the socket's peer; null for a token
 */
public record Principal(String account, String tokenId, boolean readOnly, Instant tokenExpiresAt, String unixUser) {
    /** A principal whose token never expires. */
    public Principal(String account, String tokenId, boolean readOnly) {
        this(account, tokenId, readOnly, null, null);
    }

    /** A principal authenticated by a token that expires at {@code tokenExpiresAt} (null: never). */
    public Principal(String account, String tokenId, boolean readOnly, Instant tokenExpiresAt) {
        this(account, tokenId, readOnly, tokenExpiresAt, null);
    }

    /** A principal authenticated by the kernel's peer credentials on the local socket. */
    public static Principal ofUnixUser(String account, String unixUser, boolean readOnly) {
        return new Principal(account, null, readOnly, null, unixUser);
    }
}
