package org.hostctl.server.service;

/**
 * The account a request acts for, as its token says.
 *
 * @param account account name
 * @param tokenId id of the presented token
 * @param readOnly whether the token may only read
 */
public record Principal(String account, String tokenId, boolean readOnly) {}
