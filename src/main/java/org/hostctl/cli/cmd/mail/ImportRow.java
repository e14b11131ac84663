package org.hostctl.cli.cmd.mail;

/**
 * One data row of a {@code mailbox import} file, checked locally.
 *
 * @param line the CSV line the row starts on (the header is line 1)
 * @param address the canonical address, or the cell as written when it is not a valid address
 * @param password the password, null when the server is to generate one
 * @param quotaBytes the quota, null for the server's default (or to leave an existing mailbox's alone)
 * @param name the display name, null for none (or to leave an existing mailbox's alone)
 * @param error why the row cannot be imported, null when it can
 */
record ImportRow(int line, String address, String password, Long quotaBytes, String name, String error) {
    boolean valid() {
        return error == null;
    }

    @Override
    public String toString() {
        return "ImportRow[line " + line + ", " + address + "]";
    }
}
