package org.hostctl.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hostctl.server.maillog.AttemptRecord;
import org.hostctl.server.maillog.LogCorrelator;
import org.hostctl.server.maillog.MailLogSink;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.server.maillog.RecipientRecord;
import org.hostctl.server.maillog.RejectRecord;

/** Records as the Postfix correlator would report them, and a tiny stand-in correlator. */
public final class MailLogSamples {
    private MailLogSamples() {}

    /** A message from {@code sender} to recipients given as {@code address:status}, queue ID {@code qid}. */
    public static MessageRecord message(String qid, Instant at, String sender, String saslUser, String... recipients) {
        List<RecipientRecord> rs = new ArrayList<>();
        for (String r : recipients) {
            rs.add(recipient(r, at));
        }
        return new MessageRecord("mx1/" + qid + "/" + at, "mx1", List.of(qid), "<" + qid + "@mx1.example>", sender,
                saslUser, null, "client.example[192.0.2.10]", 1234L, rs.size(), at, null, null, null, rs);
    }

    /** {@code address:status}; a deferred one gets one attempt, a final one a deferral then its state. */
    public static RecipientRecord recipient(String spec, Instant at) {
        String[] p = spec.split(":", 2);
        String status = p.length > 1 ? p[1] : "sent";
        List<AttemptRecord> attempts = new ArrayList<>();
        if (!status.equals("pending")) {
            if (!status.equals("deferred")) {
                attempts.add(new AttemptRecord(at.plusSeconds(1), "mx.remote.example[198.51.100.1]:25", "1",
                        "4.4.1", "deferred", "connect timed out"));
            }
            attempts.add(new AttemptRecord(at.plusSeconds(60), "mx.remote.example[198.51.100.1]:25", "60",
                    dsn(status), status, response(status)));
        }
        AttemptRecord last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        return new RecipientRecord(p[0], null, status, last == null ? null : last.dsn(),
                last == null ? null : last.relay(), last == null ? null : last.response(),
                last == null ? null : last.at(), attempts);
    }

    /** The same message with the recipient states replaced. */
    public static MessageRecord withStatus(MessageRecord m, String... recipients) {
        List<RecipientRecord> rs = new ArrayList<>();
        for (String r : recipients) {
            rs.add(recipient(r, m.receivedAt()));
        }
        return new MessageRecord(m.key(), m.host(), m.queueIds(), m.messageId(), m.sender(), m.saslUser(), m.uid(),
                m.client(), m.size(), m.nrcpt(), m.receivedAt(), m.receivedAt().plusSeconds(61), m.parentKey(),
                m.notificationKind(), rs);
    }

    /** A bounce notification about {@code parent}, to its sender. */
    public static MessageRecord bounceOf(MessageRecord parent, String qid) {
        Instant at = parent.receivedAt().plusSeconds(61);
        return new MessageRecord("mx1/" + qid + "/" + at, "mx1", List.of(qid), null, "", null, null, null, 2345L, 1,
                at, at.plusSeconds(1), parent.key(), "bounce", List.of(recipient(parent.sender() + ":sent", at)));
    }

    public static RejectRecord reject(String key, Instant at, String from, String to, String saslUser) {
        return new RejectRecord(key, at, "mx1", "unknown[203.0.113.5]", from, to, saslUser, "550 5.1.1",
                "<" + to + ">: Recipient address rejected: User unknown");
    }

    private static String dsn(String status) {
        return switch (status) {
            case "sent" -> "2.0.0";
            case "deferred" -> "4.4.1";
            default -> "5.1.1";
        };
    }

    private static String response(String status) {
        return switch (status) {
            case "sent" -> "250 2.0.0 Ok: queued as 9ABC";
            case "deferred" -> "connect to mx.remote.example: Connection timed out";
            case "expired" -> "message expired";
            default -> "550 5.1.1 User unknown";
        };
    }

    /**
     * A stand-in correlator: {@code R KEY} lines become rejects, anything else an unparsed line, and every line
     * it is given lands in {@code seen} as {@code source|offset|line}.
     */
    public static Function<MailLogSink, LogCorrelator> fakeCorrelator(List<String> seen, Instant at) {
        return sink -> new LogCorrelator() {
            @Override
            public void accept(String source, long offset, String line) {
                synchronized (seen) {
                    seen.add(line);
                }
                if (line.startsWith("BOOM")) {
                    throw new IllegalStateException("correlator bug");
                }
                if (line.startsWith("R ")) {
                    String key = line.substring(2);
                    sink.reject(reject(key, at, "someone@remote.example", key + "@example.com", null));
                } else {
                    sink.unparsed(source, offset, line);
                }
            }

            @Override
            public void expireOlderThan(Instant cutoff) {}
        };
    }
}
