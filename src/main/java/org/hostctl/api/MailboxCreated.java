package org.hostctl.api;

/**
 * A mailbox just created or whose password was just set.
 *
 * @param mailbox the mailbox
 * @param generatedPassword the generated password, only when one was asked for; shown once
 */
public record MailboxCreated(Mailbox mailbox, String generatedPassword) {
    @Override
    public String toString() {
        return "MailboxCreated[" + mailbox.address() + "]";
    }
}
