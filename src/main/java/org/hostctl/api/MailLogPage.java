package org.hostctl.api;

import java.util.List;

/**
 * One page of the send log, newest first.
 *
 * @param items messages and rejects
 * @param nextCursor pass as {@code cursor} for the next (older) page; null on the last page
 */
public record MailLogPage(List<MailMessage> items, String nextCursor) {}
