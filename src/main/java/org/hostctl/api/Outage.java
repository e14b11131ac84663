package org.hostctl.api;

import java.time.Instant;

/**
 * A time one of the account's services was not ok.
 *
 * @param domain as in {@link ServiceState#domain()}
 * @param service as in {@link ServiceState#service()}
 * @param backend as in {@link ServiceState#backend()}
 * @param state the worst state during the time: {@code degraded} or {@code down}
 * @param start when it began
 * @param end when the service was ok again; null while it lasts
 * @param detail what the probe saw when it began
 */
public record Outage(String domain, String service, String backend, String state, Instant start, Instant end,
        String detail) {}
