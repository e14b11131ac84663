package org.hostctl.api;

/**
 * Body of a request to run a script against a message without delivering anything.
 *
 * @param content the script text; null to test the stored script {@code scriptName}
 * @param scriptName a stored script; null with {@code content}
 * @param message the message, RFC 5322 text as it would arrive
 * @param envelopeFrom envelope sender, null for the message's From
 */
public record SieveTestRequest(String content, String scriptName, String message, String envelopeFrom) {}
