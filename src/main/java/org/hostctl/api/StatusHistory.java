package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * What happened to the account's services in a time range.
 *
 * @param since start of the range
 * @param until end of the range (when hostd answered)
 * @param outages times a service was degraded or down, newest first; one that began before {@code since} and
 *     lasted into the range is included
 * @param notices notices concerning the account that were open at some point in the range, newest first
 */
public record StatusHistory(Instant since, Instant until, List<Outage> outages, List<Notice> notices) {}
