package org.hostctl.api;

import java.time.Instant;
import java.util.List;

/**
 * One mail host a relayed message passed: the first took it in, each next one received it from the one before
 * by SMTP ({@code 250 2.0.0 Ok: queued as QID}).
 *
 * @param host the mail host, as its log names it
 * @param queueIds the message's queue IDs there
 * @param receivedAt when that host took it in
 * @param removedAt when it left that host's queue, absent while queued there
 */
public record MailHop(String host, List<String> queueIds, Instant receivedAt, Instant removedAt) {}
