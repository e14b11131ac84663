package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * The account's services and the provider's open notices.
 *
 * @param state the worst state of all services: {@code ok}, {@code degraded}, {@code down} ({@code unknown} only
 *     while nothing has been probed yet)
 * @param generatedAt when hostd answered
 * @param intervalSeconds how often hostd probes each service
 * @param services one entry per domain and service, ordered by domain (account-wide ones first) and service
 * @param notices open notices concerning the account, newest first
 */
public record StatusReport(String state, Instant generatedAt, int intervalSeconds, List<ServiceState> services,
        List<Notice> notices) {}
