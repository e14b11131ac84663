package org.hostctl.api;

import java.time.LocalDate;

/**
 * A mailbox's autoresponder.
 *
 * @param address the mailbox
 * @param enabled whether it is set
 * @param subject subject of the reply
 * @param body text of the reply
 * @param startDate first day it answers, null for now
 * @param endDate last day it answers, null for open-ended
 * @param intervalDays minimum days between two replies to the same sender
 */
public record Autoreply(String address, boolean enabled, String subject, String body, LocalDate startDate,
        LocalDate endDate, Integer intervalDays) {}
