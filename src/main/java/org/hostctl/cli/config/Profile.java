package org.hostctl.cli.config;

/**
 * A named connection: where the API is and the token for it.
 *
 * @param apiUrl API root URL
 * @param token bearer token; stored only in the 0600 config file
 */
public record Profile(String apiUrl, String token) {}
