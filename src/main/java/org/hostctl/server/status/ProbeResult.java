package org.hostctl.server.status;

import java.util.Objects;

/**
 * What one probe saw.
 *
 * @param state {@link State#OK}, {@link State#DEGRADED} or {@link State#DOWN}
 * @param detail one line for customers, e.g. {@code greeting in 12 ms} or {@code connection refused}; never a
 *     secret, never more than 200 characters
 * @param millis how long the probe took
 */
public record ProbeResult(State state, String detail, long millis) {
    public ProbeResult {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
    }
}
