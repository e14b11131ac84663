package org.hostctl.api;

import java.util.List;

/**
 * A script that validated. One that did not is a 422 problem whose {@code errors} carry the server's
 * line-numbered messages.
 *
 * @param ok always true in a 200 answer
 * @param warnings the server's warnings, empty when none
 */
public record SieveCheckResult(boolean ok, List<String> warnings) {}
