package org.hostctl.api;

import java.util.List;

/**
 * An alias (forwarder): mail to {@code source} goes to every destination.
 *
 * @param source the alias address, in one of the account's domains
 * @param destinations where the mail goes, sorted
 */
public record Alias(String source, List<String> destinations) {}
