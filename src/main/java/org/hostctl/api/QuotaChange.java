package org.hostctl.api;

/**
 * Body of a request to change a mailbox quota.
 *
 * @param quotaBytes the quota in bytes, 0 for unlimited
 */
public record QuotaChange(long quotaBytes) {}
