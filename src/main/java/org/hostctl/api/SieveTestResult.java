package org.hostctl.api;

import java.util.List;

/**
 * What a script would do with a message.
 *
 * @param actions the actions, one line each, e.g. {@code store message in folder: Archive}
 * @param implicitKeep whether the message would also be kept in INBOX
 */
public record SieveTestResult(List<String> actions, boolean implicitKeep) {}
