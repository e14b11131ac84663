package org.hostctl.api;

/**
 * Body of a request to change a mailbox's display name.
 *
 * @param name the display name; null or blank removes it
 */
public record NameChange(String name) {}
