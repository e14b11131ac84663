package org.hostctl.api;

import java.util.List;

/**
 * A Sieve script of a mailbox.
 *
 * @param name script name
 * @param active whether it is the active script (at most one is)
 * @param content the script text; only when one script is asked for
 * @param warnings the server's warnings after an upload, empty when none
 */
public record SieveScript(String name, boolean active, String content, List<String> warnings) {}
