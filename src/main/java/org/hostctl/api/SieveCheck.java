package org.hostctl.api;

/**
 * Body of a request to validate a Sieve script without storing it.
 *
 * @param content the script text
 */
public record SieveCheck(String content) {}
