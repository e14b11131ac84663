package org.hostctl.server.store;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A row of the {@code autoreply} table.
 *
 * @param email the mailbox
 * @param subject reply subject
 * @param body reply text
 * @param startDate first day, may be null
 * @param endDate last day, may be null
 * @param intervalDays minimum days between replies to one sender
 * @param updatedAt last change
 */
public record AutoreplyRow(String email, String subject, String body, LocalDate startDate, LocalDate endDate,
        int intervalDays, Instant updatedAt) {}
