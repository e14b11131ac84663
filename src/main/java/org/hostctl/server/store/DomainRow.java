package org.hostctl.server.store;

import java.time.Instant;

/**
 * A row of the {@code domain} table.
 *
 * @param name ASCII, lower-case domain
 * @param account the owning account
 * @param createdAt creation time
 */
public record DomainRow(String name, String account, Instant createdAt) {}
