package org.hostctl.api;

/**
 * Body of a request to upload a Sieve script.
 *
 * @param content the script text (UTF-8)
 * @param activate make it the active script once stored
 */
public record SievePut(String content, boolean activate) {}
