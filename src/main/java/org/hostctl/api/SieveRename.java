package org.hostctl.api;

/**
 * Body of a request to rename a Sieve script.
 *
 * @param newName the new name
 */
public record SieveRename(String newName) {}
