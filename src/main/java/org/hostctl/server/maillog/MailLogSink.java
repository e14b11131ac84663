package org.hostctl.server.maillog;

/** Receives what the correlator learns, in log order. Implementations store it. */
public interface MailLogSink {
    /** A message is new or changed: the record is its whole current state (an upsert by key). */
    void message(MessageRecord message);

    /** A refusal at SMTP time. */
    void reject(RejectRecord reject);

    /** A line no rule understood, kept for the provider's diagnostics. */
    void unparsed(String source, long offset, String line);
}
