package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * Who the presented token is.
 *
 * @param account the account name
 * @param tokenId id of the token (never the secret)
 * @param readOnly whether the token may only read
 * @param webspace absolute path of the webspace root on the hosting server
 * @param docroots the account's document roots
 * @param phpDefault the account's default PHP version
 * @param tokenExpiresAt when the token stops working, null if it never expires
 */
public record Me(String account, String tokenId, boolean readOnly, String webspace, List<Docroot> docroots,
        String phpDefault, Instant tokenExpiresAt) {}
