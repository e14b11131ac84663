package org.hostctl.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.server.maillog.AttemptRecord;
import org.hostctl.server.maillog.LoggedText;
import org.hostctl.server.maillog.MailLogSink;
import org.hostctl.server.maillog.MessageRecord;
import org.hostctl.server.maillog.RecipientRecord;
import org.hostctl.server.maillog.RejectRecord;
import org.hostctl.server.text.Escape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send log: messages, recipients, attempts and rejects from the correlator, ingestion checkpoints and
 * unparsed lines. Each record is an upsert by key in a short transaction; {@link #commit} writes a whole
 * ingestion batch and its checkpoint in one.
 *
 * <p>Attribution (../shared/reference/postfix-logs.md §5 rule 9) is decided when a row is written: a message
 * belongs on the sending side to the account whose mailbox is the SASL user, else to the account owning the
 * envelope sender's domain; each recipient belongs to the account owning its domain (or its {@code orig_to}'s).
 * A reject belongs to the SASL user's account (out) and to the account owning the refused recipient's domain
 * (in); its claimed sender attributes nothing.
 */
public final class MailLogRepository implements MailLogSink {
    /** Kind of queued messages in page rows. */
    public static final String MESSAGE = "message";
    /** Kind of rejects in page rows. */
    public static final String REJECT = "reject";

    private static final String MESSAGE_COLUMNS = "m.msg_key, m.id, m.host, m.message_id, m.sender, m.sasl_user,"
            + " m.uid, m.client, m.size_bytes, m.nrcpt, m.received_at, m.removed_at, m.parent_key,"
            + " m.notification_kind, m.account, m.hop_of";
    private static final String REJECT_COLUMNS = "j.rej_key, j.id, j.host, j.at, j.client, j.sender, j.recipient,"
            + " j.sasl_user, j.code, j.response, j.out_account, j.in_account";
    /** At most this many keys per {@code IN (...)} list. */
    private static final int IN_CHUNK = 200;

    private static final Logger LOG = LoggerFactory.getLogger(MailLogRepository.class);
    /** Messages written before the first analysis of the send log's tables on PostgreSQL. */
    static final long ANALYZE_FIRST = 5_000;

    private final Database db;
    private final Clock clock;
    /** Messages this repository wrote, and of them since it last had PostgreSQL analyse the send log's tables. */
    private long written;
    private long writtenSinceAnalyze;

    public MailLogRepository(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void message(MessageRecord message) {
        commit(new Batch(List.of(message), List.of(), List.of(), List.of(), List.of()));
    }

    @Override
    public void reject(RejectRecord reject) {
        commit(new Batch(List.of(), List.of(reject), List.of(), List.of(), List.of()));
    }

    @Override
    public void unparsed(String source, long offset, String line) {
        commit(new Batch(List.of(), List.of(), List.of(new Unparsed(source, "", offset, line)), List.of(), List.of()));
    }

    /**
     * A line no rule understood, at a position of a file identity.
     *
     * @param source the configured log path
     * @param fileIdentity {@code device:inode} of the file read, empty when unknown
     * @param offset byte offset of the line
     * @param text the line
     */
    public record Unparsed(String source, String fileIdentity, long offset, String text) {}

    /**
     * Where reading a file stopped.
     *
     * @param source the configured log path
     * @param fileIdentity {@code device:inode}
     * @param offset bytes read and committed
     * @param updatedAt when it was written
     */
    public record Checkpoint(String source, String fileIdentity, long offset, Instant updatedAt) {}

    /**
     * What one ingestion batch learned, committed in one transaction with its checkpoints.
     *
     * @param messages newest state per message key
     * @param rejects rejects
     * @param unparsed lines no rule understood
     * @param checkpoints positions reached, upserted
     * @param finished checkpoints of rotated files read to their end, deleted
     */
    public record Batch(Collection<MessageRecord> messages, Collection<RejectRecord> rejects,
            Collection<Unparsed> unparsed, Collection<Checkpoint> checkpoints, Collection<Checkpoint> finished) {
        public boolean isEmpty() {
            return messages.isEmpty() && rejects.isEmpty() && unparsed.isEmpty() && checkpoints.isEmpty()
                    && finished.isEmpty();
        }
    }

    /**
     * Writes everything of {@code batch} in one transaction: all of it or, on failure, none. Each kind of row goes
     * through one prepared statement executed as a JDBC batch; a message's recipients, attempts, queue IDs and
     * account rows are replaced, and the hourly counts are moved by the difference to what was stored before.
     */
    public void commit(Batch batch) {
        if (batch.isEmpty()) {
            return;
        }
        db.tx(c -> {
            Attribution who = new Attribution(c);
            writeMessages(c, batch.messages(), who);
            if (!batch.rejects().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(UPSERT_REJECT)) {
                    for (RejectRecord r : batch.rejects()) {
                        bindReject(ps, r, who);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!batch.unparsed().isEmpty()) {
                String now = Timestamps.format(clock.instant());
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO maillog_unparsed (source, file_identity,"
                        + " byte_offset, text, seen_at, capped) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (source, file_identity, byte_offset) DO NOTHING")) {
                    for (Unparsed u : batch.unparsed()) {
                        String text = LoggedText.clean(u.text());
                        boolean capped = u.text() != null && u.text().length() > LoggedText.MAX_FIELD;
                        bind(ps, LoggedText.clean(u.source(), 1024), nonNull(u.fileIdentity()), u.offset(),
                                nonNull(text), now, capped ? 1 : 0);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            for (Checkpoint cp : batch.finished()) {
                update(c, "DELETE FROM maillog_checkpoint WHERE source = ? AND file_identity = ?", cp.source(),
                        cp.fileIdentity());
            }
            for (Checkpoint cp : batch.checkpoints()) {
                update(c, "INSERT INTO maillog_checkpoint (source, file_identity, byte_offset, updated_at)"
                        + " VALUES (?, ?, ?, ?) ON CONFLICT (source, file_identity) DO UPDATE SET"
                        + " byte_offset = excluded.byte_offset, updated_at = excluded.updated_at",
                        cp.source(), cp.fileIdentity(), cp.offset(), Timestamps.format(clock.instant()));
            }
            return null;
        });
        analyzeWhenGrown(batch.messages().size());
    }

    /**
     * Has PostgreSQL analyse the send log's tables each time the messages written since the last analysis reach
     * the number written before it (after 5,000, 10,000, 20,000 ...). A store catching up grows by millions of
     * rows within minutes, faster than autovacuum analyses it; planned on the statistics of a far smaller table,
     * the writer's lookups by key can turn into scans and ingestion slows with every batch. Each analysis samples
     * a bounded number of rows, so its cost does not grow with the store. SQLite needs none: its plans here come
     * from the indexes alone (MailLogWriterPlanTest). A failed analysis is logged, and the next one comes after
     * as many messages again.
     */
    private synchronized void analyzeWhenGrown(int messages) {
        if (db.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        written += messages;
        writtenSinceAnalyze += messages;
        if (writtenSinceAnalyze < Math.max(ANALYZE_FIRST, written - writtenSinceAnalyze)) {
            return;
        }
        try {
            db.withConnection(c -> {
                update(c, "ANALYZE maillog_message, maillog_queue_id, maillog_recipient, maillog_attempt,"
                        + " maillog_visible, maillog_hop, maillog_reject");
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot analyse the send log's tables: {}", Escape.line(e.toString()));
        } finally {
            writtenSinceAnalyze = 0;
        }
    }

    /** The checkpoints of a source, oldest update first. */
    public List<Checkpoint> checkpoints(String source) {
        return db.withConnection(c -> {
            List<Checkpoint> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source, file_identity, byte_offset, updated_at"
                    + " FROM maillog_checkpoint WHERE source = ? ORDER BY updated_at, file_identity")) {
                ps.setString(1, source);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Checkpoint(rs.getString(1), rs.getString(2), rs.getLong(3),
                                Timestamps.parse(rs.getString(4))));
                    }
                }
            }
            return out;
        });
    }

    private static final String UPSERT_MESSAGE = "INSERT INTO maillog_message (msg_key, id, host, queue_ids,"
            + " message_id, sender, sender_norm, sender_domain, sasl_user, uid, client, size_bytes, nrcpt, received_at,"
            + " removed_at, parent_key, notification_kind, account, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (msg_key) DO UPDATE SET host = excluded.host,"
            + " queue_ids = excluded.queue_ids, message_id = excluded.message_id, sender = excluded.sender,"
            + " sender_norm = excluded.sender_norm, sender_domain = excluded.sender_domain,"
            + " sasl_user = excluded.sasl_user, uid = excluded.uid, client = excluded.client,"
            + " size_bytes = excluded.size_bytes, nrcpt = excluded.nrcpt, received_at = excluded.received_at,"
            + " removed_at = excluded.removed_at, parent_key = excluded.parent_key,"
            + " notification_kind = excluded.notification_kind, account = excluded.account,"
            + " updated_at = excluded.updated_at";
    private static final String INSERT_RECIPIENT = "INSERT INTO maillog_recipient (msg_key, position, address,"
            + " address_norm, domain, orig_to, orig_to_norm, status, dsn, relay, response, last_attempt_at, account)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ATTEMPT = "INSERT INTO maillog_attempt (msg_key, position, seq, at, status,"
            + " dsn, relay, delay, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_VISIBLE = "INSERT INTO maillog_visible (msg_key, account, side, any_view,"
            + " received_at, n_pending, n_sent, n_deferred, n_bounced, n_expired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPSERT_HOURLY = "INSERT INTO maillog_hourly (account, hour, side, any_view, n_pending,"
            + " n_sent, n_deferred, n_bounced, n_expired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (account, hour, side, any_view) DO UPDATE SET"
            + " n_pending = maillog_hourly.n_pending + excluded.n_pending,"
            + " n_sent = maillog_hourly.n_sent + excluded.n_sent,"
            + " n_deferred = maillog_hourly.n_deferred + excluded.n_deferred,"
            + " n_bounced = maillog_hourly.n_bounced + excluded.n_bounced,"
            + " n_expired = maillog_hourly.n_expired + excluded.n_expired";
    private static final String UPSERT_REJECT = "INSERT INTO maillog_reject (rej_key, id, host, at, client, sender,"
            + " sender_norm, sender_domain, recipient, recipient_norm, recipient_domain, sasl_user, code, response,"
            + " out_account, in_account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rej_key) DO UPDATE SET host = excluded.host, at = excluded.at, client = excluded.client,"
            + " sender = excluded.sender, sender_norm = excluded.sender_norm, sender_domain = excluded.sender_domain,"
            + " recipient = excluded.recipient, recipient_norm = excluded.recipient_norm,"
            + " recipient_domain = excluded.recipient_domain, sasl_user = excluded.sasl_user, code = excluded.code,"
            + " response = excluded.response, out_account = excluded.out_account, in_account = excluded.in_account";
    /** Recipient states in the order of the {@code n_*} columns. */
    private static final List<String> STATES = List.of("pending", "sent", "deferred", "bounced", "expired");

    /**
     * A row of {@code maillog_visible}: an account's view of a top-level message.
     *
     * @param counts recipients it shows, by state in the order of {@link #STATES}
     */
    private record Visible(String msgKey, String account, String side, int anyView, String receivedAt,
            long[] counts) {}

    /** A message's rows, ready to be bound. */
    private record MessageRows(String key, Object[] message, List<String> queueIds, List<Object[]> recipients,
            List<Object[]> attempts, List<Visible> visible, List<MailLogTrails.Hop> hops,
            MailLogTrails.Arrival arrival) {}

    private void writeMessages(Connection c, Collection<MessageRecord> records, Attribution who) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        String now = Timestamps.format(clock.instant());
        Map<String, MessageRows> byKey = new LinkedHashMap<>();
        for (MessageRecord m : records) {
            MessageRows rows = rows(m, who, now);
            byKey.remove(rows.key());
            byKey.put(rows.key(), rows); // the newest state of a key wins
        }
        List<String> keys = List.copyOf(byKey.keySet());
        Map<List<Object>, long[]> hourly = new java.util.TreeMap<>(HOURLY_ORDER);
        Map<String, String> stored = new LinkedHashMap<>(); // key → hop_of
        for (Visible v : storedVisible(c, keys, stored)) {
            addHourly(hourly, v, -1);
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_MESSAGE)) {
            for (MessageRows rows : byKey.values()) {
                bind(ps, rows.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // the children of messages stored before; attempts go with their recipients
        for (String table : stored.isEmpty() ? List.<String>of()
                : List.of("maillog_recipient", "maillog_queue_id", "maillog_visible")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE msg_key = ?")) {
                for (String key : stored.keySet()) {
                    ps.setString(1, key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        // trails across hosts: link this batch's deliveries to other hosts and its arrivals from them
        List<MailLogTrails.Hop> hops = new ArrayList<>();
        List<MailLogTrails.Arrival> arrivals = new ArrayList<>();
        for (MessageRows rows : byKey.values()) {
            hops.addAll(rows.hops());
            if (rows.arrival() != null && stored.get(rows.key()) == null) {
                arrivals.add(rows.arrival());
            }
        }
        Map<String, String> linked = MailLogTrails.link(c, db.dialect(), hops, arrivals);
        java.util.Set<String> isHop = new java.util.HashSet<>(linked.keySet());
        java.util.Set<String> changedTrails = new java.util.HashSet<>(linked.values());
        stored.forEach((k, up) -> {
            if (up != null) {
                isHop.add(k);
                changedTrails.add(up);
            }
        });
        changedTrails.addAll(MailLogTrails.withNextHost(c, keys));
        java.util.Set<String> roots = new java.util.LinkedHashSet<>();
        for (String k : changedTrails) {
            roots.add(MailLogTrails.root(c, k));
        }
        // records that became hops now lose their own rows in the account views
        List<String> outside = new ArrayList<>();
        for (String k : linked.keySet()) {
            if (!byKey.containsKey(k)) {
                outside.add(k);
            }
        }
        for (String k : roots) {
            if (!byKey.containsKey(k)) {
                outside.add(k);
            }
        }
        if (!outside.isEmpty()) {
            for (Visible v : storedVisible(c, outside, new LinkedHashMap<>())) {
                addHourly(hourly, v, -1);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM maillog_visible WHERE msg_key = ?")) {
                for (String key : outside) {
                    ps.setString(1, key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (PreparedStatement qp = c.prepareStatement(
                "INSERT INTO maillog_queue_id (msg_key, position, queue_id) VALUES (?, ?, ?)");
                PreparedStatement rp = c.prepareStatement(INSERT_RECIPIENT);
                PreparedStatement ap = c.prepareStatement(INSERT_ATTEMPT);
                PreparedStatement vp = c.prepareStatement(INSERT_VISIBLE)) {
            int queueIds = 0;
            int recipients = 0;
            int attempts = 0;
            int visible = 0;
            for (MessageRows rows : byKey.values()) {
                for (int i = 0; i < rows.queueIds().size(); i++) {
                    bind(qp, rows.key(), i, rows.queueIds().get(i));
                    qp.addBatch();
                    queueIds++;
                }
                for (Object[] r : rows.recipients()) {
                    bind(rp, r);
                    rp.addBatch();
                    recipients++;
                }
                for (Object[] a : rows.attempts()) {
                    bind(ap, a);
                    ap.addBatch();
                    attempts++;
                }
                if (isHop.contains(rows.key()) || roots.contains(rows.key())) {
                    continue; // a hop has none; a trail's rows are written below
                }
                for (Visible v : rows.visible()) {
                    insertVisible(vp, v, hourly);
                    visible++;
                }
            }
            executeIfAny(qp, queueIds);
            executeIfAny(rp, recipients);
            executeIfAny(ap, attempts);
            int trailRows = 0;
            if (!roots.isEmpty()) {
                Map<String, MailLogTrails.Trail> trails = MailLogTrails.trails(c, roots, false, this::loadMessages);
                for (String root : roots) {
                    List<Visible> vs = trailVisible(c, root, trails.get(root), who);
                    for (Visible v : vs) {
                        insertVisible(vp, v, hourly);
                        trailRows++;
                    }
                }
            }
            executeIfAny(vp, visible + trailRows);
        }
        int changed = 0;
        try (PreparedStatement hp = c.prepareStatement(UPSERT_HOURLY)) {
            for (Map.Entry<List<Object>, long[]> e : hourly.entrySet()) {
                long[] n = e.getValue();
                if (n[0] == 0 && n[1] == 0 && n[2] == 0 && n[3] == 0 && n[4] == 0) {
                    continue;
                }
                List<Object> k = e.getKey();
                bind(hp, k.get(0), k.get(1), k.get(2), k.get(3), n[0], n[1], n[2], n[3], n[4]);
                hp.addBatch();
                changed++;
            }
            executeIfAny(hp, changed);
        }
    }

    /** Hourly rows in one order, so that two nodes writing at once never wait for each other crosswise. */
    private static final java.util.Comparator<List<Object>> HOURLY_ORDER = (a, b) -> {
        for (int i = 0; i < 3; i++) {
            int d = ((String) a.get(i)).compareTo((String) b.get(i));
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare((Integer) a.get(3), (Integer) b.get(3));
    };

    private static void insertVisible(PreparedStatement vp, Visible v, Map<List<Object>, long[]> hourly)
            throws SQLException {
        long[] n = v.counts();
        bind(vp, v.msgKey(), v.account(), v.side(), v.anyView(), v.receivedAt(), n[0], n[1], n[2], n[3], n[4]);
        vp.addBatch();
        addHourly(hourly, v, 1);
    }

    /**
     * The account rows of a trail's first record, its recipients counted in the state the last host logged; of a
     * record without next hosts (any more), its own. None for a notification or a hop.
     */
    private List<Visible> trailVisible(Connection c, String root, MailLogTrails.Trail trail, Attribution who)
            throws SQLException {
        StoredMessage m = trail != null ? trail.root() : loadMessages(c, List.of(root), false).get(root);
        if (m == null || m.parentKey() != null || m.hopOf() != null) {
            return List.of();
        }
        List<StoredRecipient> recipients = trail == null ? m.recipients()
                : trail.recipients().stream().map(MailLogTrails.TrailRecipient::recipient).toList();
        List<String[]> states = new ArrayList<>(recipients.size());
        for (StoredRecipient r : recipients) {
            states.add(new String[] {status(r.status()), r.account()});
        }
        return visible(m.key(), m.account(), Timestamps.format(m.receivedAt()), states);
    }

    /** The rows of {@code maillog_visible} of a top-level message: recipients as {status, account}. */
    private static List<Visible> visible(String key, String account, String receivedAt, List<String[]> recipients) {
        long[] all = new long[STATES.size()];
        Map<String, long[]> byAccount = new LinkedHashMap<>();
        for (String[] r : recipients) {
            all[STATES.indexOf(r[0])]++;
            if (r[1] != null) {
                byAccount.computeIfAbsent(r[1], k -> new long[STATES.size()])[STATES.indexOf(r[0])]++;
            }
        }
        List<Visible> visible = new ArrayList<>();
        if (account != null) {
            visible.add(new Visible(key, account, "out", 1, receivedAt, all));
        }
        for (Map.Entry<String, long[]> e : byAccount.entrySet()) {
            visible.add(new Visible(key, e.getKey(), "in", e.getKey().equals(account) ? 0 : 1, receivedAt,
                    e.getValue()));
        }
        return visible;
    }

    private static void executeIfAny(PreparedStatement ps, int rows) throws SQLException {
        if (rows > 0) {
            ps.executeBatch();
        }
    }

    private static void addHourly(Map<List<Object>, long[]> hourly, Visible v, int sign) {
        long[] sum = hourly.computeIfAbsent(List.of(v.account(), v.receivedAt().substring(0, 13), v.side(),
                v.anyView()), k -> new long[STATES.size()]);
        for (int i = 0; i < sum.length; i++) {
            sum[i] += sign * v.counts()[i];
        }
    }

    /**
     * The {@code maillog_visible} rows stored for these message keys; the keys of messages stored at all are
     * put into {@code stored} with their {@code hop_of}.
     */
    private static List<Visible> storedVisible(Connection c, List<String> keys, Map<String, String> stored)
            throws SQLException {
        List<Visible> out = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT m.msg_key, v.account, v.side, v.any_view,"
                    + " v.received_at, v.n_pending, v.n_sent, v.n_deferred, v.n_bounced, v.n_expired, m.hop_of"
                    + " FROM maillog_message m LEFT JOIN maillog_visible v ON v.msg_key = m.msg_key"
                    + " WHERE m.msg_key IN (" + placeholders(chunk.size()) + ")")) {
                bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1);
                        stored.put(key, rs.getString(11));
                        if (rs.getString(2) != null) {
                            out.add(new Visible(key, rs.getString(2), rs.getString(3), rs.getInt(4),
                                    rs.getString(5), new long[] {rs.getLong(6), rs.getLong(7), rs.getLong(8),
                                        rs.getLong(9), rs.getLong(10)}));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The rows of one message, with attribution decided now. */
    private static MessageRows rows(MessageRecord m, Attribution who, String now) throws SQLException {
        String key = LoggedText.clean(m.key(), 1000);
        String sender = LoggedText.clean(m.sender());
        String senderDomain = LoggedText.domainOf(sender);
        String sasl = LoggedText.clean(m.saslUser());
        String account = who.sender(sasl, senderDomain);
        List<String> queueIds = m.queueIds() == null ? List.of() : m.queueIds().stream()
                .map(q -> LoggedText.clean(q, 64)).toList();
        String notification = m.notificationKind();
        if (notification != null && !List.of("bounce", "delay", "success", "expired").contains(notification)) {
            notification = null;
        }
        String receivedAt = Timestamps.format(m.receivedAt());
        String parentKey = LoggedText.clean(m.parentKey(), 1000);
        Object[] message = {key, LoggedText.id(MESSAGE, key), nonNull(LoggedText.clean(m.host(), 255)),
            String.join(" ", queueIds), LoggedText.clean(m.messageId(), 998), sender, LoggedText.address(sender),
            senderDomain, sasl, LoggedText.clean(m.uid(), 64), LoggedText.clean(m.client(), 512), m.size(), m.nrcpt(),
            receivedAt, m.removedAt() == null ? null : Timestamps.format(m.removedAt()), parentKey, notification,
            account, now};
        List<RecipientRecord> list = m.recipients() == null ? List.of() : m.recipients();
        List<Object[]> recipients = new ArrayList<>(list.size());
        List<Object[]> attempts = new ArrayList<>();
        List<String[]> states = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            RecipientRecord r = list.get(i);
            String address = nonNull(LoggedText.clean(r.address(), 1024));
            String origTo = LoggedText.clean(r.origTo(), 1024);
            String domain = LoggedText.domainOf(address);
            String recipientAccount = who.domain(domain);
            if (recipientAccount == null && origTo != null) {
                recipientAccount = who.domain(LoggedText.domainOf(origTo));
            }
            String status = status(r.status());
            recipients.add(new Object[] {key, i, address, nonNull(LoggedText.address(address)), domain, origTo,
                LoggedText.address(origTo), status, LoggedText.clean(r.dsn(), 32), LoggedText.clean(r.relay(), 512),
                LoggedText.clean(r.response()), r.lastAttemptAt() == null ? null : Timestamps.format(r.lastAttemptAt()),
                recipientAccount});
            states.add(new String[] {status, recipientAccount});
            List<AttemptRecord> as = r.attempts() == null ? List.of() : r.attempts();
            for (int s = 0; s < as.size(); s++) {
                AttemptRecord a = as.get(s);
                attempts.add(new Object[] {key, i, s, Timestamps.format(a.at()),
                    nonNull(LoggedText.clean(a.status(), 32)), LoggedText.clean(a.dsn(), 32),
                    LoggedText.clean(a.relay(), 512), LoggedText.clean(a.delay(), 32), LoggedText.clean(a.response())});
            }
        }
        List<Visible> visible = parentKey == null ? visible(key, account, receivedAt, states) : List.of();
        String host = (String) message[2];
        List<MailLogTrails.Hop> hops = MailLogTrails.hopsOf(key, host, queueIds, list);
        MailLogTrails.Arrival arrival = parentKey == null && m.client() != null && !queueIds.isEmpty()
                ? new MailLogTrails.Arrival(key, host, queueIds.get(0), receivedAt) : null;
        return new MessageRows(key, message, queueIds, recipients, attempts, visible, hops, arrival);
    }

    private static String status(String s) {
        return s != null && STATES.contains(s) ? s : "pending";
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static void bindReject(PreparedStatement ps, RejectRecord r, Attribution who) throws SQLException {
        String key = LoggedText.clean(r.key(), 1000);
        String from = LoggedText.clean(r.from(), 1024);
        String to = LoggedText.clean(r.to(), 1024);
        String sasl = LoggedText.clean(r.saslUser());
        String toDomain = LoggedText.domainOf(to);
        bind(ps, key, LoggedText.id(REJECT, key), nonNull(LoggedText.clean(r.host(), 255)), Timestamps.format(r.at()),
                LoggedText.clean(r.client(), 512), from, LoggedText.address(from), LoggedText.domainOf(from), to,
                LoggedText.address(to), toDomain, sasl, LoggedText.clean(r.code(), 32),
                LoggedText.clean(r.response()), sasl == null ? null : who.mailbox(sasl), who.domain(toDomain));
    }

    /** Account lookups of one transaction, remembered for its duration. */
    private static final class Attribution {
        private final Connection c;
        private final Map<String, Optional<String>> domains = new HashMap<>();
        private final Map<String, Optional<String>> mailboxes = new HashMap<>();

        Attribution(Connection c) {
            this.c = c;
        }

        /** The sending account: the SASL user's mailbox, else the sender's domain. */
        String sender(String saslUser, String senderDomain) throws SQLException {
            String bySasl = saslUser == null ? null : mailbox(saslUser);
            return bySasl != null ? bySasl : domain(senderDomain);
        }

        String domain(String name) throws SQLException {
            if (name == null) {
                return null;
            }
            Optional<String> cached = domains.get(name);
            if (cached == null) {
                cached = Optional.ofNullable(single(c, "SELECT account FROM domain WHERE name = ?", name));
                domains.put(name, cached);
            }
            return cached.orElse(null);
        }

        String mailbox(String saslUser) throws SQLException {
            String email = LoggedText.address(saslUser);
            if (email == null || !email.contains("@")) {
                return null;
            }
            Optional<String> cached = mailboxes.get(email);
            if (cached == null) {
                cached = Optional.ofNullable(single(c, "SELECT d.account FROM mailbox mb JOIN domain d"
                        + " ON d.name = mb.domain WHERE mb.email = ?", email));
                mailboxes.put(email, cached);
            }
            return cached.orElse(null);
        }
    }

    // ------------------------------------------------------------------ retention

    /**
     * Deletes messages that arrived and rejects logged before the hour {@code cutoff} falls in (whole hours, so
     * that the hourly counts stay exact), unparsed lines seen before {@code cutoff}, and the oldest unparsed lines
     * beyond {@code maxUnparsed}. Returns the number of messages and rejects deleted.
     */
    public int purge(Instant cutoff, int maxUnparsed) {
        String t = Timestamps.format(cutoff);
        String hour = Timestamps.format(cutoff.truncatedTo(java.time.temporal.ChronoUnit.HOURS));
        return db.tx(c -> {
            int n = update(c, "DELETE FROM maillog_message WHERE received_at < ?", hour);
            n += update(c, "DELETE FROM maillog_reject WHERE at < ?", hour);
            update(c, "DELETE FROM maillog_hourly WHERE hour < ?", hour.substring(0, 13));
            update(c, "DELETE FROM maillog_unparsed WHERE seen_at < ?", t);
            long count = count(c, "SELECT COUNT(*) FROM maillog_unparsed");
            if (count > maxUnparsed) {
                String keepFrom = single(c, "SELECT seen_at FROM maillog_unparsed ORDER BY seen_at DESC"
                        + " LIMIT 1 OFFSET " + maxUnparsed);
                if (keepFrom != null) {
                    update(c, "DELETE FROM maillog_unparsed WHERE seen_at <= ?", keepFrom);
                }
            }
            return n;
        });
    }

    /** Number of unparsed lines kept. */
    public long unparsedCount() {
        return db.withConnection(c -> count(c, "SELECT COUNT(*) FROM maillog_unparsed"));
    }

    /** The unparsed lines of a source, in file order. */
    public List<Unparsed> unparsedLines(String source) {
        return db.withConnection(c -> {
            List<Unparsed> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source, file_identity, byte_offset, text"
                    + " FROM maillog_unparsed WHERE source = ? ORDER BY seen_at, file_identity, byte_offset")) {
                ps.setString(1, source);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Unparsed(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ reading

    /** Which of an account's rows a query covers. */
    public enum Direction {
        /** Sent by the account or received by it. */
        ANY,
        /** Sent by the account: every recipient. */
        OUT,
        /** Received by the account: its own recipients only. */
        IN
    }

    /**
     * A query of one account's send log. Values are canonical; null means no condition.
     *
     * @param account whose rows
     * @param direction which side
     * @param fromAddress exact envelope sender
     * @param fromDomain sender's domain
     * @param toAddress a visible recipient, before or after alias expansion
     * @param toDomain a visible recipient's domain
     * @param since arrival at or after
     * @param until arrival before
     * @param status a visible recipient in this state, or {@code rejected} for rejects only
     * @param messageIds any of these Message-ID values
     * @param queueId one of the message's queue IDs
     */
    public record Query(String account, Direction direction, String fromAddress, String fromDomain, String toAddress,
            String toDomain, Instant since, Instant until, String status, List<String> messageIds, String queueId) {}

    /**
     * Position in the newest-first order, for keyset pagination.
     *
     * @param at arrival (or reject) time
     * @param kind {@link #MESSAGE} or {@link #REJECT}
     * @param key the row's key
     */
    public record Position(Instant at, String kind, String key) {}

    /**
     * A stored message.
     *
     * @param key correlator key
     * @param id public id
     * @param account sending-side account, may be null
     * @param recipients every recipient with its account, attempts only when asked for
     * @param hopOf the record of the mail host before this one when it was relayed from there, else null
     */
    public record StoredMessage(String key, String id, String host, List<String> queueIds, String messageId,
            String sender, String saslUser, String uid, String client, Long size, Integer nrcpt, Instant receivedAt,
            Instant removedAt, String parentKey, String notificationKind, String account,
            List<StoredRecipient> recipients, String hopOf) {}

    /**
     * A stored recipient.
     *
     * @param account the account owning its domain, may be null
     */
    public record StoredRecipient(String address, String origTo, String status, String dsn, String relay,
            String response, Instant lastAttemptAt, String account, List<AttemptRecord> attempts) {}

    /** A stored reject with its accounts. */
    public record StoredReject(String key, String id, String host, Instant at, String client, String from, String to,
            String saslUser, String code, String response, String outAccount, String inAccount) {}

    /** One row of a page: a message or a reject. */
    public record Row(Position position, StoredMessage message, StoredReject reject) {}

    /**
     * Up to {@code limit} rows matching {@code q}, newest first, strictly after {@code after} in that order when
     * it is given. Messages come with every recipient (the caller redacts); attempts are not loaded.
     *
     * <p>The statement is a union of streams, each already in that order and cut at {@code limit}: the account's
     * messages from {@code maillog_visible} (an index range scan newest first), or, with a recipient, sender,
     * Message-ID or queue ID filter, the few messages that index finds; and the account's rejects per side.
     */
    public List<Row> page(Query q, Position after, int limit) {
        Map.Entry<String, List<Object>> statement = pageStatement(q, after, limit);
        String sql = statement.getKey();
        List<Object> args = statement.getValue();
        return db.withConnection(c -> {
            List<Position> positions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        positions.add(new Position(Timestamps.parse(rs.getString(3)), rs.getString(1),
                                rs.getString(2)));
                    }
                }
            }
            List<String> messageKeys = positions.stream().filter(p -> p.kind().equals(MESSAGE)).map(Position::key)
                    .toList();
            List<String> rejectKeys = positions.stream().filter(p -> p.kind().equals(REJECT)).map(Position::key)
                    .toList();
            Map<String, StoredMessage> messages = loadMessages(c, messageKeys, false);
            // a relayed message shows its recipients as the last host left them
            MailLogTrails.trails(c, messageKeys, false, this::loadMessages).forEach((k, t) -> {
                StoredMessage m = t.root();
                messages.put(k, new StoredMessage(m.key(), m.id(), m.host(), m.queueIds(), m.messageId(), m.sender(),
                        m.saslUser(), m.uid(), m.client(), m.size(), m.nrcpt(), m.receivedAt(), m.removedAt(),
                        m.parentKey(), m.notificationKind(), m.account(),
                        t.recipients().stream().map(MailLogTrails.TrailRecipient::recipient).toList(), m.hopOf()));
            });
            Map<String, StoredReject> rejects = loadRejects(c, rejectKeys);
            List<Row> rows = new ArrayList<>();
            for (Position p : positions) {
                rows.add(new Row(p, messages.get(p.key()), rejects.get(p.key())));
            }
            return rows;
        });
    }

    /**
     * The SQL text {@code EXPLAIN} needs for the page statement of {@code q} (tests look at its plan), with its
     * arguments.
     */
    Map.Entry<String, List<Object>> pageStatement(Query q, Position after, int limit) {
        List<Object> args = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        boolean rejectsOnly = "rejected".equals(q.status());
        boolean messagesOnly = (q.status() != null && !rejectsOnly) || q.messageIds() != null || q.queueId() != null;
        if (!rejectsOnly) {
            parts.add(messageStream(q, after, limit, args));
        }
        if (!messagesOnly) {
            boolean selective = q.toAddress() != null || q.fromAddress() != null;
            if (selective || q.direction() != Direction.ANY) {
                parts.add(rejectStream(q, q.direction(), selective, after, limit, args));
            } else {
                parts.add(rejectStream(q, Direction.OUT, false, after, limit, args));
                parts.add(rejectStream(q, Direction.IN, false, after, limit, args));
            }
        }
        StringBuilder sql = new StringBuilder("SELECT u.kind, u.k, u.at FROM (");
        for (int i = 0; i < parts.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ").append("SELECT * FROM (").append(parts.get(i)).append(") s").append(i);
        }
        sql.append(") u ORDER BY u.at DESC, u.kind DESC, u.k DESC LIMIT ?");
        args.add(limit);
        return Map.entry(sql.toString(), args);
    }

    /** The condition that a row at {@code atCol}/{@code keyCol} of {@code kind} comes after {@code after}. */
    private static void after(String kind, String atCol, String keyCol, Position after, StringBuilder s,
            List<Object> args) {
        if (after == null) {
            return;
        }
        String t = Timestamps.format(after.at());
        int cmp = kind.compareTo(after.kind());
        if (cmp < 0) {
            s.append(" AND ").append(atCol).append(" <= ?"); // at the same time, all of this kind come later
            args.add(t);
        } else if (cmp > 0) {
            s.append(" AND ").append(atCol).append(" < ?");
            args.add(t);
        } else {
            s.append(" AND ").append(atCol).append(" <= ? AND (").append(atCol).append(" < ? OR ").append(keyCol)
                    .append(" < ?)");
            args.addAll(List.of(t, t, after.key()));
        }
    }

    private static String messageStream(Query q, Position after, int limit, List<Object> args) {
        // A sender search walks the sender's messages newest first (index sender_norm, received_at, msg_key) and
        // stops at the page: a sender with many messages is not read whole and sorted. A message's account rows
        // carry its own received_at, so the order is the same.
        boolean bySender = q.fromAddress() != null && q.messageIds() == null && q.queueId() == null
                && q.toAddress() == null;
        String t = bySender ? "m" : "v"; // the table whose received_at and msg_key order the stream
        StringBuilder s = new StringBuilder("SELECT 'message' AS kind, " + t + ".msg_key AS k, " + t
                + ".received_at AS at FROM ");
        List<Object> driverArgs = new ArrayList<>();
        String driver = bySender ? null : candidates(q, driverArgs);
        boolean needsMessage = q.fromAddress() != null || q.fromDomain() != null || q.messageIds() != null;
        if (bySender) {
            // the sender's messages first (CROSS JOIN keeps that order on SQLite), then their account rows
            s.append("maillog_message m CROSS JOIN maillog_visible v");
        } else if (driver != null) {
            // the candidates first, then their account rows
            s.append(driver).append(" c CROSS JOIN maillog_visible v");
            args.addAll(driverArgs);
        } else {
            s.append("maillog_visible v");
        }
        if (needsMessage && !bySender) {
            s.append(" CROSS JOIN maillog_message m");
        }
        // when another table leads, the account is compared without its index: the primary key (msg_key first)
        // finds the rows
        s.append(bySender || driver != null ? " WHERE (v.account || '') = ?" : " WHERE v.account = ?");
        args.add(q.account());
        switch (q.direction()) {
            case OUT -> s.append(" AND v.side = 'out'");
            case IN -> s.append(" AND v.side = 'in'");
            case ANY -> s.append(" AND v.any_view = 1");
        }
        if (driver != null) {
            s.append(" AND v.msg_key = c.msg_key");
        }
        if (needsMessage) {
            s.append(" AND m.msg_key = v.msg_key");
        }
        if (q.fromAddress() != null) {
            s.append(" AND m.sender_norm = ?");
            args.add(q.fromAddress());
        }
        if (q.fromDomain() != null) {
            s.append(" AND m.sender_domain = ?");
            args.add(q.fromDomain());
        }
        if (q.toAddress() == null && q.toDomain() == null && q.status() != null && STATES.contains(q.status())) {
            // the row counts the recipients it shows by state
            s.append(q.status().equals("deferred") ? " AND (v.n_deferred > 0 OR v.n_pending > 0)"
                    : " AND v.n_" + STATES.get(STATES.indexOf(q.status())) + " > 0");
        } else if (q.toAddress() != null || q.toDomain() != null || q.status() != null) {
            // a recipient the account sees: every one of a message it sent, else its own
            s.append(" AND EXISTS (SELECT 1 FROM maillog_recipient r WHERE r.msg_key = v.msg_key");
            switch (q.direction()) {
                case OUT -> { }
                case IN -> {
                    s.append(" AND r.account = ?");
                    args.add(q.account());
                }
                case ANY -> {
                    s.append(" AND (v.side = 'out' OR r.account = ?)");
                    args.add(q.account());
                }
            }
            if (q.toAddress() != null) {
                s.append(" AND (r.address_norm = ? OR r.orig_to_norm = ?)");
                args.add(q.toAddress());
                args.add(q.toAddress());
            }
            if (q.toDomain() != null) {
                s.append(" AND r.domain = ?");
                args.add(q.toDomain());
            }
            if (q.status() != null) {
                if (q.status().equals("deferred")) {
                    s.append(" AND r.status IN ('deferred', 'pending')");
                } else {
                    s.append(" AND r.status = ?");
                    args.add(q.status());
                }
            }
            s.append(")");
        }
        if (q.since() != null) {
            s.append(" AND ").append(t).append(".received_at >= ?");
            args.add(Timestamps.format(q.since()));
        }
        if (q.until() != null) {
            s.append(" AND ").append(t).append(".received_at < ?");
            args.add(Timestamps.format(q.until()));
        }
        if (q.messageIds() != null) {
            s.append(" AND m.message_id IN (").append(placeholders(q.messageIds().size())).append(")");
            args.addAll(q.messageIds());
        }
        if (q.queueId() != null) {
            s.append(" AND EXISTS (SELECT 1 FROM maillog_queue_id qi WHERE qi.msg_key = v.msg_key"
                    + " AND qi.queue_id = ?)");
            args.add(q.queueId());
        }
        after(MESSAGE, t + ".received_at", t + ".msg_key", after, s, args);
        s.append(" ORDER BY ").append(t).append(".received_at DESC, ").append(t).append(".msg_key DESC LIMIT ?");
        args.add(limit);
        return s.toString();
    }

    /**
     * The keys of the few messages an indexed filter allows, as a derived table with column {@code msg_key}, or
     * null when no such filter is given. The most selective one is taken: Message-ID, queue ID, recipient, sender.
     */
    private static String candidates(Query q, List<Object> args) {
        if (q.messageIds() != null) {
            args.addAll(q.messageIds());
            return "(SELECT DISTINCT msg_key FROM maillog_message WHERE message_id IN ("
                    + placeholders(q.messageIds().size()) + "))";
        }
        if (q.queueId() != null) {
            args.add(q.queueId());
            return "(SELECT DISTINCT msg_key FROM maillog_queue_id WHERE queue_id = ?)";
        }
        if (q.toAddress() != null) {
            args.add(q.toAddress());
            args.add(q.toAddress());
            return "(SELECT msg_key FROM maillog_recipient WHERE address_norm = ?"
                    + " UNION SELECT msg_key FROM maillog_recipient WHERE orig_to_norm = ?)";
        }
        if (q.fromAddress() != null) {
            args.add(q.fromAddress());
            return "(SELECT msg_key FROM maillog_message WHERE sender_norm = ?)";
        }
        return null;
    }

    /**
     * The account's rejects on one side ({@code direction} OUT or IN; ANY for both in one statement), newest first,
     * cut at {@code limit}. {@code selective}: a recipient or sender filter is given; its index finds the rows, and
     * the account columns are compared without theirs ({@code || ''}) so that no planner walks the account's
     * rejects instead.
     */
    private static String rejectStream(Query q, Direction direction, boolean selective, Position after, int limit,
            List<Object> args) {
        String out = selective ? "(j.out_account || '')" : "j.out_account";
        String in = selective ? "(j.in_account || '')" : "j.in_account";
        StringBuilder s = new StringBuilder("SELECT 'reject' AS kind, j.rej_key AS k, j.at AS at"
                + " FROM maillog_reject j WHERE ");
        switch (direction) {
            case OUT -> s.append(out).append(" = ?");
            case IN -> s.append(in).append(" = ?");
            case ANY -> {
                s.append("(").append(out).append(" = ? OR ").append(in).append(" = ?)");
                args.add(q.account());
            }
        }
        args.add(q.account());
        rejectFilters(q, s, args);
        after(REJECT, "j.at", "j.rej_key", after, s, args);
        s.append(" ORDER BY j.at DESC, j.rej_key DESC LIMIT ?");
        args.add(limit);
        return s.toString();
    }

    private static void rejectFilters(Query q, StringBuilder s, List<Object> args) {
        if (q.fromAddress() != null) {
            s.append(" AND j.sender_norm = ?");
            args.add(q.fromAddress());
        }
        if (q.fromDomain() != null) {
            s.append(" AND j.sender_domain = ?");
            args.add(q.fromDomain());
        }
        if (q.toAddress() != null) {
            s.append(" AND j.recipient_norm = ?");
            args.add(q.toAddress());
        }
        if (q.toDomain() != null) {
            s.append(" AND j.recipient_domain = ?");
            args.add(q.toDomain());
        }
        if (q.since() != null) {
            s.append(" AND j.at >= ?");
            args.add(Timestamps.format(q.since()));
        }
        if (q.until() != null) {
            s.append(" AND j.at < ?");
            args.add(Timestamps.format(q.until()));
        }
    }

    /**
     * Messages still in the queue as far as the log told ({@code removed_at} null) that arrived at or after
     * {@code since}: the newest {@code limit} of them, oldest first, with every recipient and attempt, as the
     * correlator told them. A restarted ingestion seeds its correlator with them.
     */
    public List<MessageRecord> openMessages(Instant since, int limit) {
        return db.withConnection(c -> {
            List<String> keys = new ArrayList<>(strings(c, "SELECT msg_key FROM maillog_message"
                    + " WHERE removed_at IS NULL AND received_at >= ? ORDER BY received_at DESC, msg_key DESC"
                    + " LIMIT ?", Timestamps.format(since), Math.max(0, limit)));
            java.util.Collections.reverse(keys);
            Map<String, StoredMessage> loaded = loadMessages(c, keys, true);
            List<MessageRecord> out = new ArrayList<>(keys.size());
            for (String k : keys) {
                StoredMessage m = loaded.get(k);
                if (m == null) {
                    continue;
                }
                List<RecipientRecord> rs = m.recipients().stream().map(r -> new RecipientRecord(r.address(),
                        r.origTo(), r.status(), r.dsn(), r.relay(), r.response(), r.lastAttemptAt(),
                        r.attempts() == null ? List.of() : r.attempts())).toList();
                out.add(new MessageRecord(m.key(), m.host(), m.queueIds(), m.messageId(), m.sender(), m.saslUser(),
                        m.uid(), m.client(), m.size(), m.nrcpt(), m.receivedAt(), m.removedAt(), m.parentKey(),
                        m.notificationKind(), rs));
            }
            return out;
        });
    }

    /**
     * The trail a message by key is on, from its first host's record: every recipient with the state and the
     * attempts of every host it passed.
     */
    public Optional<MailLogTrails.Trail> trail(String key) {
        return db.withConnection(c -> {
            String root = MailLogTrails.root(c, key);
            MailLogTrails.Trail t = MailLogTrails.trails(c, List.of(root), true, this::loadMessages).get(root);
            if (t != null) {
                return Optional.of(t);
            }
            StoredMessage m = loadMessages(c, List.of(root), true).get(root);
            return Optional.ofNullable(m == null ? null : MailLogTrails.single(m));
        });
    }

    /** A message by key with every recipient and attempt. */
    public Optional<StoredMessage> message(String key) {
        return db.withConnection(c -> Optional.ofNullable(loadMessages(c, List.of(key), true).get(key)));
    }

    /** A reject by key. */
    public Optional<StoredReject> reject(String key) {
        return db.withConnection(c -> Optional.ofNullable(loadRejects(c, List.of(key)).get(key)));
    }

    /** Notifications about a message, oldest first, with recipients and attempts. */
    public List<StoredMessage> children(String parentKey) {
        return db.withConnection(c -> {
            List<String> keys = strings(c, "SELECT msg_key FROM maillog_message WHERE parent_key = ?"
                    + " ORDER BY received_at, msg_key", parentKey);
            return List.copyOf(loadMessages(c, keys, true).values());
        });
    }

    /**
     * The entry an account's identifier means: a public id, else a queue ID, else a Message-ID, the newest first
     * among several, as one query that also decides visibility. A message is visible to its sending account and
     * to the accounts of its recipients; a notification, or the next host's record of a relayed message, is
     * answered with its parent when the account may see the parent. Entries the account may not see are not found, in the same statement as missing ones.
     */
    public Optional<Position> find(String account, String id, String queueId, List<String> messageIds) {
        List<Object> args = new ArrayList<>();
        StringBuilder hit = new StringBuilder("SELECT 1 AS rank, msg_key AS k FROM maillog_message WHERE id = ?");
        args.add(id == null ? "" : id);
        if (queueId != null) {
            hit.append(" UNION ALL SELECT 3, msg_key FROM maillog_queue_id WHERE queue_id = ?");
            args.add(queueId);
        }
        if (messageIds != null && !messageIds.isEmpty()) {
            hit.append(" UNION ALL SELECT 4, msg_key FROM maillog_message WHERE message_id IN (")
                    .append(placeholders(messageIds.size())).append(")");
            args.addAll(messageIds);
        }
        String sql = "WITH hit AS (" + hit + "), seen AS (SELECT h.rank, m.msg_key AS mk, m.received_at AS mat,"
                + " p.msg_key AS pk, p.received_at AS pat,"
                + " (m.account = ? OR EXISTS (SELECT 1 FROM maillog_recipient r WHERE r.msg_key = m.msg_key"
                + " AND r.account = ?)) AS mv,"
                + " (p.msg_key IS NOT NULL AND (p.account = ? OR EXISTS (SELECT 1 FROM maillog_recipient r"
                + " WHERE r.msg_key = p.msg_key AND r.account = ?))) AS pv"
                + " FROM hit h JOIN maillog_message m ON m.msg_key = h.k"
                + " LEFT JOIN maillog_message p ON p.msg_key = COALESCE(m.parent_key, m.hop_of))"
                + " SELECT 'message' AS kind, CASE WHEN pv THEN pk ELSE mk END AS k,"
                + " CASE WHEN pv THEN pat ELSE mat END AS at, rank FROM seen WHERE mv OR pv"
                + " UNION ALL SELECT 'reject', rej_key, at, 2 FROM maillog_reject"
                + " WHERE id = ? AND (out_account = ? OR in_account = ?)"
                + " ORDER BY 4, 3 DESC, 2 DESC LIMIT 1";
        args.addAll(List.of(account, account, account, account, id == null ? "" : id, account, account));
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Position(Timestamps.parse(rs.getString(3)), rs.getString(1),
                            rs.getString(2))) : Optional.<Position>empty();
                }
            }
        });
    }

    /**
     * Recipients per bucket and state, and rejects per bucket, of the recipients and rejects {@code q}'s account
     * may see (only account, direction, since and until of {@code q} apply). {@code prefixLength} cuts the ISO
     * timestamp to the bucket: 13 for hours, 10 for days. Keys: bucket prefix, then state ({@code rejected} for
     * rejects). Recipients come from the hourly counts when since and until are whole hours, else from the
     * account's rows of {@code maillog_visible}.
     */
    public Map<String, Map<String, Long>> counts(Query q, int prefixLength) {
        if (prefixLength != 10 && prefixLength != 13) {
            throw new IllegalArgumentException("prefix length must be 10 or 13");
        }
        boolean wholeHours = q.since().equals(q.since().truncatedTo(java.time.temporal.ChronoUnit.HOURS))
                && q.until().equals(q.until().truncatedTo(java.time.temporal.ChronoUnit.HOURS));
        String table = wholeHours ? "maillog_hourly" : "maillog_visible";
        String at = wholeHours ? "hour" : "received_at";
        List<Object> args = new ArrayList<>();
        StringBuilder s = new StringBuilder("SELECT substr(" + at + ", 1, " + prefixLength + "), SUM(n_pending),"
                + " SUM(n_sent), SUM(n_deferred), SUM(n_bounced), SUM(n_expired) FROM " + table + " WHERE account = ?");
        args.add(q.account());
        switch (q.direction()) {
            case OUT -> s.append(" AND side = 'out'");
            case IN -> s.append(" AND side = 'in'");
            case ANY -> s.append(" AND any_view = 1");
        }
        String since = Timestamps.format(q.since());
        String until = Timestamps.format(q.until());
        s.append(" AND ").append(at).append(" >= ? AND ").append(at).append(" < ? GROUP BY 1");
        args.add(wholeHours ? since.substring(0, 13) : since);
        args.add(wholeHours ? until.substring(0, 13) : until);
        List<Object> rargs = new ArrayList<>();
        StringBuilder r = new StringBuilder("SELECT substr(j.at, 1, " + prefixLength + "), COUNT(*)"
                + " FROM maillog_reject j WHERE ");
        switch (q.direction()) {
            case OUT -> r.append("j.out_account = ?");
            case IN -> r.append("j.in_account = ?");
            case ANY -> {
                r.append("(j.out_account = ? OR j.in_account = ?)");
                rargs.add(q.account());
            }
        }
        rargs.add(q.account());
        rejectFilters(new Query(q.account(), q.direction(), null, null, null, null, q.since(), q.until(), null, null,
                null), r, rargs);
        r.append(" GROUP BY 1");
        return db.withConnection(c -> {
            Map<String, Map<String, Long>> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(s.toString())) {
                bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Long> bucket = out.computeIfAbsent(rs.getString(1), k -> new HashMap<>());
                        for (int i = 0; i < STATES.size(); i++) {
                            long n = rs.getLong(2 + i);
                            if (n != 0) {
                                bucket.merge(STATES.get(i), n, Long::sum);
                            }
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(r.toString())) {
                bind(ps, rargs.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .merge("rejected", rs.getLong(2), Long::sum);
                    }
                }
            }
            return out;
        });
    }

    private Map<String, StoredMessage> loadMessages(Connection c, List<String> keys, boolean withAttempts)
            throws SQLException {
        Map<String, StoredMessage> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            String in = placeholders(chunk.size());
            Map<String, List<String>> queueIds = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT msg_key, queue_id FROM maillog_queue_id"
                    + " WHERE msg_key IN (" + in + ") ORDER BY msg_key, position")) {
                bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        queueIds.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            Map<String, Map<Integer, List<AttemptRecord>>> attempts = new HashMap<>();
            if (withAttempts) {
                try (PreparedStatement ps = c.prepareStatement("SELECT msg_key, position, at, relay, delay, dsn,"
                        + " status, response FROM maillog_attempt WHERE msg_key IN (" + in + ")"
                        + " ORDER BY msg_key, position, seq")) {
                    bind(ps, chunk.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            attempts.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                    .computeIfAbsent(rs.getInt(2), k -> new ArrayList<>())
                                    .add(new AttemptRecord(Timestamps.parse(rs.getString(3)), rs.getString(4),
                                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                        }
                    }
                }
            }
            Map<String, List<StoredRecipient>> recipients = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT msg_key, position, address, orig_to, status, dsn,"
                    + " relay, response, last_attempt_at, account FROM maillog_recipient WHERE msg_key IN (" + in
                    + ") ORDER BY msg_key, position")) {
                bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1);
                        List<AttemptRecord> a = withAttempts
                                ? attempts.getOrDefault(key, Map.of()).getOrDefault(rs.getInt(2), List.of())
                                : null;
                        recipients.computeIfAbsent(key, k -> new ArrayList<>()).add(new StoredRecipient(
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), Timestamps.parse(rs.getString(9)), rs.getString(10),
                                a == null ? null : List.copyOf(a)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MESSAGE_COLUMNS
                    + " FROM maillog_message m WHERE m.msg_key IN (" + in + ")")) {
                bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1);
                        long size = rs.getLong(9);
                        Long sizeOrNull = rs.wasNull() ? null : size;
                        int nrcpt = rs.getInt(10);
                        Integer nrcptOrNull = rs.wasNull() ? null : nrcpt;
                        out.put(key, new StoredMessage(key, rs.getString(2), rs.getString(3),
                                List.copyOf(queueIds.getOrDefault(key, List.of())), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), sizeOrNull, nrcptOrNull,
                                Timestamps.parse(rs.getString(11)), Timestamps.parse(rs.getString(12)),
                                rs.getString(13), rs.getString(14), rs.getString(15),
                                List.copyOf(recipients.getOrDefault(key, List.of())), rs.getString(16)));
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, StoredReject> loadRejects(Connection c, List<String> keys) throws SQLException {
        Map<String, StoredReject> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + REJECT_COLUMNS + " FROM maillog_reject j"
                    + " WHERE j.rej_key IN (" + placeholders(chunk.size()) + ")")) {
                bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new StoredReject(rs.getString(1), rs.getString(2), rs.getString(3),
                                Timestamps.parse(rs.getString(4)), rs.getString(5), rs.getString(6),
                                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getString(11), rs.getString(12)));
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ JDBC helpers

    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL); // untyped: PostgreSQL infers the column's type
            } else if (a instanceof String s) {
                ps.setString(i + 1, s);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Long n) {
                ps.setLong(i + 1, n);
            } else {
                throw new IllegalArgumentException("cannot bind " + a.getClass());
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static String single(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
