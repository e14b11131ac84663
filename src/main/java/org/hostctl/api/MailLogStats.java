package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * Recipients per state and time bucket, of the recipients the account may see.
 *
 * @param since start of the first bucket
 * @param until end of the last bucket (exclusive)
 * @param by {@code hour} or {@code day} (UTC)
 * @param buckets every bucket from {@code since} on, empty ones included
 */
public record MailLogStats(Instant since, Instant until, String by, List<MailLogBucket> buckets) {}
