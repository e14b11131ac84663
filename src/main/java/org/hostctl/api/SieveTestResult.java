package org.hostctl.api;

import java.util.List;

/**
 * What a script would do with a message.
 *
 * @param actions the actions, one line each, e.g. {@code store message in folder: Archive}
 * @param implicitKeep whether the message would also be kept in INBOX
 * @param warnings what would go differently at a real delivery, e.g. a {@code fileinto} folder the mailbox does not
 *     have (without {@code :create}); empty when none
 */
public record SieveTestResult(List<String> actions, boolean implicitKeep, List<String> warnings) {}
