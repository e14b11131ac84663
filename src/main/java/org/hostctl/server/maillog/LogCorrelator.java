package org.hostctl.server.maillog;

/**
 * Turns Postfix log lines into messages, recipients and rejects (../shared/reference/postfix-logs.md §4-§6).
 * Feed lines in file order; the sink is told about every change. Never throws for a bad line.
 */
public interface LogCorrelator {
    /** One raw line, with where it came from ({@code source}: file path; {@code offset}: byte offset of the line). */
    void accept(String source, long offset, String line);

    /** Expires partial records that saw no line for a long time (orphans); call now and then. */
    void expireOlderThan(java.time.Instant cutoff);

    /**
     * Before the first line: the messages stored earlier that are still in the queue (no {@code removed}),
     * oldest first, so that lines continuing them after a restart update the same records. Tells nothing.
     */
    default void seed(java.util.Collection<MessageRecord> openMessages) {
    }

    /**
     * Before the first line: records get {@code host} as their host instead of the one each line names (null or
     * blank: the logged one).
     */
    default void overrideHost(String host) {
    }

    /** Reports everything still held back (e.g. before a stop), so that nothing read is lost. */
    default void flush() {
    }
}
