package org.hostctl.server.status;

import java.time.Instant;

/**
 * What hostd knows of one check now.
 *
 * @param id the check's id
 * @param state its state
 * @param since when it entered the state
 * @param detail what the last probe saw
 * @param checkedAt when the last probe ran; null before the first
 */
public record CheckState(String id, State state, Instant since, String detail, Instant checkedAt) {}
