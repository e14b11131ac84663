package org.hostctl.api;

import java.time.Instant;

/**
 * Counts of one time bucket: recipients by their current state (by the message's arrival time), and rejects.
 *
 * @param start start of the bucket
 * @param sent delivered
 * @param deferred still in the queue (deferred or not yet tried)
 * @param bounced refused by the receiving side or undeliverable
 * @param rejected refused at SMTP time
 * @param expired given up after the maximal queue lifetime
 */
public record MailLogBucket(Instant start, long sent, long deferred, long bounced, long rejected, long expired) {}
