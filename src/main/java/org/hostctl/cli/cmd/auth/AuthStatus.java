package org.hostctl.cli.cmd.auth;

import java.time.Instant;

/**
 * What {@code hostctl auth status} reports.
 *
 * @param profile profile in use
 * @param apiUrl API URL in use
 * @param apiUrlSource where the URL came from: flag, env, profile, socket (found by itself), default
 * @param tokenSource where the token came from: env, profile
 * @param account account the token belongs to
 * @param tokenId id of the token
 * @param readOnly whether the token may only read
 * @param webspace the account's webspace root on the server
 * @param tokenExpiresAt when the token stops working, null if it never expires or none is used
 * @param unixUser on hostd's local socket: the Unix user hostd saw, whose account this is; null for a token
 */
public record AuthStatus(String profile, String apiUrl, String apiUrlSource, String tokenSource, String account,
        String tokenId, boolean readOnly, String webspace, Instant tokenExpiresAt, String unixUser) {}
