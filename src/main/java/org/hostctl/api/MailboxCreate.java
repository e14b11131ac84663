package org.hostctl.api;

/**
 * Body of a request to create a mailbox.
 *
 * @param address the address to create
 * @param password the password; null with {@code generatePassword}
 * @param generatePassword let the server generate a password and return it once
 * @param quotaBytes quota in bytes, null for the server's default, 0 for unlimited
 * @param name display name, may be null
 */
public record MailboxCreate(String address, String password, boolean generatePassword, Long quotaBytes,
        String name) {
    @Override
    public String toString() {
        return "MailboxCreate[" + address + "]";
    }
}
