package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * Who the caller is: the presented token, or on hostd's local socket the caller's Unix user.
 *
 * @param account the account name
 * @param tokenId id of the token (never the secret); absent on the local socket
 * @param readOnly whether the token (or the socket access) may only read
 * @param webspace absolute path of the webspace root on the hosting server
 * @param docroots the account's document roots
 * @param phpDefault the account's default PHP version
 * @param tokenExpiresAt when the token stops working, null if it never expires (or on the local socket)
 * @param unixUser the Unix user hostd saw on its local socket; absent for a token
 */
public record Me(String account, String tokenId, boolean readOnly, String webspace, List<Docroot> docroots,
        String phpDefault, Instant tokenExpiresAt, String unixUser) {}
