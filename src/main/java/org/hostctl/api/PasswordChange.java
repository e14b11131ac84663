package org.hostctl.api;

/**
 * Body of a request to change a mailbox password.
 *
 * @param password the new password; null with {@code generate}
 * @param generate let the server generate one and return it once
 */
public record PasswordChange(String password, boolean generate) {
    @Override
    public String toString() {
        return "PasswordChange[]";
    }
}
