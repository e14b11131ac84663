package org.hostctl.api;

/**
 * A mail domain of the account.
 *
 * @param name the domain in ASCII (IDN as A-labels), lower-case
 * @param unicodeName the domain as people write it (differs from {@code name} for IDN)
 * @param mailboxes number of mailboxes (deleted ones not counted)
 * @param aliases number of alias sources
 */
public record Domain(String name, String unicodeName, int mailboxes, int aliases) {}
