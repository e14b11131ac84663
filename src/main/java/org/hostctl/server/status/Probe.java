package org.hostctl.server.status;

import java.time.Duration;

/** One health check of one service. Implementations are thread-safe and never throw. */
public interface Probe {
    /**
     * Probes once.
     *
     * @param timeout the whole probe's limit: past it the service is {@link State#DOWN}
     * @param slow an answer slower than this makes the service {@link State#DEGRADED}
     */
    ProbeResult run(Duration timeout, Duration slow);
}
