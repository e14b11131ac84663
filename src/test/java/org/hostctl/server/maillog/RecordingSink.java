package org.hostctl.server.maillog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps what a correlator told: the last state per message key, every reject and unparsed line. */
final class RecordingSink implements MailLogSink {
    final Map<String, MessageRecord> messages = new LinkedHashMap<>();
    final List<MessageRecord> upserts = new ArrayList<>();
    final List<RejectRecord> rejects = new ArrayList<>();
    final List<String> unparsed = new ArrayList<>();

    @Override
    public void message(MessageRecord message) {
        messages.put(message.key(), message);
        upserts.add(message);
    }

    @Override
    public void reject(RejectRecord reject) {
        rejects.add(reject);
    }

    @Override
    public void unparsed(String source, long offset, String line) {
        unparsed.add(line);
    }

    /** Messages that are not notifications. */
    List<MessageRecord> originals() {
        return messages.values().stream().filter(m -> m.parentKey() == null).toList();
    }

    List<MessageRecord> notifications() {
        return messages.values().stream().filter(m -> m.parentKey() != null).toList();
    }

    MessageRecord byQueueId(String qid) {
        return messages.values().stream().filter(m -> m.queueIds().contains(qid)).findFirst()
                .orElseThrow(() -> new AssertionError("no message with queue ID " + qid + " in " + messages.keySet()));
    }

    /** address → status of a message. */
    static Map<String, String> states(MessageRecord m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecipientRecord r : m.recipients()) {
            out.put(r.address(), r.status());
        }
        return out;
    }
}
