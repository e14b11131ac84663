package org.hostctl.server.service;

import java.time.Instant;

/**
 * The account a request acts for, as its token says.
 *
 * @param account account name
 * @param tokenId id of the presented token
 * @param readOnly whether the token may only read
 * @param tokenExpiresAt when the token stops working, null if never
 */
public record Principal(String account, String tokenId, boolean readOnly, Instant tokenExpiresAt) {
    /** A principal whose token never expires. */
    public Principal(String account, String tokenId, boolean readOnly) {
        this(account, tokenId, readOnly, null);
    }
}
