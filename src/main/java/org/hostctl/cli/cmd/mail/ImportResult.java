package org.hostctl.cli.cmd.mail;

import java.util.List;

/**
 * What {@code mailbox import} did with one row; {@code -o json} prints a list of these, in line order.
 *
 * @param line the CSV line of the row
 * @param address the canonical address (the cell as written when it is not an address)
 * @param result {@code created}, {@code updated}, {@code skipped}, {@code failed}, {@code not-attempted}, or with
 *     {@code --dry-run} {@code would-create}, {@code would-update}, {@code would-skip}, {@code failed}
 * @param changed for {@code updated} and {@code would-update}: which of {@code quota}, {@code name},
 *     {@code password} (were or would be) changed; else null
 * @param error why the row failed or was not attempted; else null
 */
public record ImportResult(int line, String address, String result, List<String> changed, String error) {
    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String NOT_ATTEMPTED = "not-attempted";
    public static final String WOULD_CREATE = "would-create";
    public static final String WOULD_UPDATE = "would-update";
    public static final String WOULD_SKIP = "would-skip";
}
