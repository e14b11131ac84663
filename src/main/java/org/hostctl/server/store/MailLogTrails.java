package org.hostctl.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hostctl.server.maillog.AttemptRecord;
import org.hostctl.server.maillog.PostfixCorrelator;
import org.hostctl.server.store.MailLogRepository.StoredMessage;
import org.hostctl.server.store.MailLogRepository.StoredRecipient;

/**
 * Trails across mail hosts: host A hands a message to host B by SMTP and logs {@code status=sent (250 2.0.0 Ok:
 * queued as QID)}; B logs the same message under QID with a {@code client=} line. Each host's hostd writes its own
 * records; whichever write comes second links them ({@code maillog_hop.to_key}, {@code maillog_message.hop_of}) in
 * its own transaction. On PostgreSQL both sides first take a transaction-scoped advisory lock of the queue ID's
 * bucket, so two nodes writing the two halves at the same time are serialised and the second sees the first.
 *
 * <p>A record whose queue ID matches is B's only when it was logged by another host, came in by SMTP, is not a
 * notification and arrived within {@link #WINDOW} of A's delivery line; the nearest in time wins.
 */
public final class MailLogTrails {
    /** How far apart (either way: the hosts' clocks may differ) A's delivery and B's arrival may lie. */
    static final Duration WINDOW = Duration.ofMinutes(30);
    /** Hosts a trail follows at most. */
    static final int MAX_DEPTH = 8;
    private static final int LOCK_SPACE = 0x6d6c6f67; // "mlog"
    private static final int LOCK_BUCKETS = 256;
    private static final int IN_CHUNK = 200;

    private MailLogTrails() {}

    /**
     * A delivery of {@code fromKey} that the next host accepted as {@code queueId}.
     *
     * @param sentAt ISO timestamp of the delivery line
     */
    record Hop(String fromKey, String queueId, String fromHost, String relay, String sentAt) {}

    /**
     * A record that may be the next host's end of a hop: came in by SMTP, no notification, no hop yet.
     *
     * @param queueId its first queue ID
     * @param receivedAt ISO timestamp
     */
    record Arrival(String key, String host, String queueId, String receivedAt) {}

    /**
     * A message with the records of the hosts after it and its recipients as the whole trail tells them.
     *
     * @param hops the records of the next hosts, nearest first; empty when it stayed on one host
     * @param recipients the root's recipients, each with the state the last host logged
     */
    public record Trail(StoredMessage root, List<StoredMessage> hops, List<TrailRecipient> recipients) {}

    /**
     * A recipient of a trail.
     *
     * @param attemptHosts the host of each attempt, in order (when attempts were loaded)
     */
    public record TrailRecipient(StoredRecipient recipient, List<String> attemptHosts) {}

    /** Loads stored messages by key. */
    interface Loader {
        Map<String, StoredMessage> load(Connection c, List<String> keys, boolean withAttempts) throws SQLException;
    }

    /** The deliveries of a record that another queue accepted: queue IDs in answers that are not its own. */
    static List<Hop> hopsOf(String key, String host, List<String> ownQueueIds,
            List<org.hostctl.server.maillog.RecipientRecord> recipients) {
        List<Hop> out = new ArrayList<>(0);
        Set<String> seen = new HashSet<>();
        for (org.hostctl.server.maillog.RecipientRecord r : recipients == null
                ? List.<org.hostctl.server.maillog.RecipientRecord>of() : recipients) {
            for (AttemptRecord a : r.attempts() == null ? List.<AttemptRecord>of() : r.attempts()) {
                if (!"sent".equals(a.status()) || a.response() == null || a.at() == null) {
                    continue;
                }
                String q = PostfixCorrelator.queuedAs(a.response());
                if (q != null && !ownQueueIds.contains(q) && seen.add(q)) {
                    out.add(new Hop(key, q, host, a.relay(), Timestamps.format(a.at())));
                }
            }
        }
        return out;
    }

    /**
     * Stores {@code hops} and links every pending hop whose queue ID is one of theirs or of {@code arrivals} to the
     * arrival it meant (stored before, or one of {@code arrivals}: records of this transaction, already upserted).
     * Returns arrival key → the key of the record before it on the trail, for the links made now.
     */
    static Map<String, String> link(Connection c, Dialect dialect, List<Hop> hops, List<Arrival> arrivals)
            throws SQLException {
        if (hops.isEmpty() && arrivals.isEmpty()) {
            return Map.of();
        }
        Set<String> qids = new TreeSet<>();
        hops.forEach(h -> qids.add(h.queueId()));
        arrivals.forEach(a -> qids.add(a.queueId()));
        if (dialect == Dialect.POSTGRESQL) {
            TreeSet<Integer> buckets = new TreeSet<>();
            qids.forEach(q -> buckets.add(Math.floorMod(q.hashCode(), LOCK_BUCKETS)));
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                for (int b : buckets) { // in order: two nodes never wait for each other crosswise
                    ps.setInt(1, LOCK_SPACE);
                    ps.setInt(2, b);
                    ps.executeQuery().close();
                }
            }
        }
        if (!hops.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO maillog_hop (from_key, queue_id, from_host,"
                    + " relay, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (from_key, queue_id) DO NOTHING")) {
                for (Hop h : hops) {
                    ps.setString(1, h.fromKey());
                    ps.setString(2, h.queueId());
                    ps.setString(3, h.fromHost());
                    ps.setString(4, h.relay());
                    ps.setString(5, h.sentAt());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        List<String> all = List.copyOf(qids);
        List<Hop> pending = new ArrayList<>();
        Map<String, Arrival> candidates = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            String in = MailLogRepository.placeholders(chunk.size());
            try (PreparedStatement ps = c.prepareStatement("SELECT from_key, queue_id, from_host, relay, sent_at"
                    + " FROM maillog_hop WHERE to_key IS NULL AND queue_id IN (" + in + ")")) {
                bind(ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pending.add(new Hop(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(arrivalsSql(chunk.size()))) {
                bind(ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.put(rs.getString(1), new Arrival(rs.getString(1), rs.getString(2),
                                rs.getString(3), rs.getString(4)));
                    }
                }
            }
        }
        arrivals.forEach(a -> candidates.put(a.key(), a)); // this transaction's state wins
        if (pending.isEmpty() || candidates.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Arrival>> byQid = new HashMap<>();
        candidates.values().forEach(a -> byQid.computeIfAbsent(a.queueId(), k -> new ArrayList<>()).add(a));
        pending.sort(java.util.Comparator.comparing(Hop::sentAt).thenComparing(Hop::fromKey));
        Map<String, String> linked = new LinkedHashMap<>();
        List<String[]> updates = new ArrayList<>();
        for (Hop h : pending) {
            Instant sent = Timestamps.parse(h.sentAt());
            Arrival best = null;
            long bestDistance = Long.MAX_VALUE;
            for (Arrival a : byQid.getOrDefault(h.queueId(), List.of())) {
                if (a.host().equals(h.fromHost()) || a.key().equals(h.fromKey()) || linked.containsKey(a.key())) {
                    continue;
                }
                long d = Math.abs(Duration.between(sent, Timestamps.parse(a.receivedAt())).toSeconds());
                if (d <= WINDOW.toSeconds() && d < bestDistance) {
                    best = a;
                    bestDistance = d;
                }
            }
            if (best != null) {
                linked.put(best.key(), h.fromKey());
                updates.add(new String[] {best.key(), h.fromKey(), h.queueId()});
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement hop = c.prepareStatement("UPDATE maillog_hop SET to_key = ? WHERE from_key = ?"
                    + " AND queue_id = ?");
                    PreparedStatement msg = c.prepareStatement("UPDATE maillog_message SET hop_of = ?"
                            + " WHERE msg_key = ?")) {
                for (String[] u : updates) {
                    hop.setString(1, u[0]);
                    hop.setString(2, u[1]);
                    hop.setString(3, u[2]);
                    hop.addBatch();
                    msg.setString(1, u[1]);
                    msg.setString(2, u[0]);
                    msg.addBatch();
                }
                hop.executeBatch();
                msg.executeBatch();
            }
        }
        return linked;
    }

    /**
     * The stored records that may be the next host's end of a hop with one of {@code n} queue IDs. It must start at
     * the queue ID index: {@code hop_of} and {@code parent_key} are NULL on nearly every message, and a plan that
     * reached the messages through them instead would read them all for every batch (V13 makes those indexes
     * partial; MailLogWriterPlanTest).
     */
    static String arrivalsSql(int n) {
        return "SELECT m.msg_key, m.host, q.queue_id, m.received_at"
                + " FROM maillog_queue_id q JOIN maillog_message m ON m.msg_key = q.msg_key"
                + " WHERE q.queue_id IN (" + MailLogRepository.placeholders(n) + ")"
                + " AND q.position = 0 AND m.hop_of IS NULL AND m.parent_key IS NULL AND m.client IS NOT NULL";
    }

    /** Of these keys, those with a linked next host. */
    static Set<String> withNextHost(Connection c, Collection<String> keys) throws SQLException {
        Set<String> out = new HashSet<>();
        List<String> list = List.copyOf(keys);
        for (int from = 0; from < list.size(); from += IN_CHUNK) {
            List<String> chunk = list.subList(from, Math.min(list.size(), from + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT from_key FROM maillog_hop WHERE from_key"
                    + " IN (" + MailLogRepository.placeholders(chunk.size())
                    + ") AND to_key IS NOT NULL")) {
                bind(ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** The first record of the trail {@code key} is on ({@code key} itself when it is no hop). */
    static String root(Connection c, String key) throws SQLException {
        String k = key;
        try (PreparedStatement ps = c.prepareStatement("SELECT hop_of FROM maillog_message WHERE msg_key = ?")) {
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                ps.setString(1, k);
                try (ResultSet rs = ps.executeQuery()) {
                    String up = rs.next() ? rs.getString(1) : null;
                    if (up == null) {
                        return k;
                    }
                    k = up;
                }
            }
        }
        return k;
    }

    /**
     * The trails of these root records that have next hosts (others are left out), with their records loaded
     * through {@code loader}.
     */
    static Map<String, Trail> trails(Connection c, Collection<String> roots, boolean withAttempts, Loader loader)
            throws SQLException {
        Map<String, Map<String, String>> next = new HashMap<>(); // from key → queue ID → to key
        List<String> frontier = List.copyOf(withNextHost(c, roots));
        if (frontier.isEmpty()) {
            return Map.of();
        }
        Set<String> keys = new java.util.LinkedHashSet<>(frontier);
        for (int depth = 0; depth < MAX_DEPTH && !frontier.isEmpty(); depth++) {
            List<String> found = new ArrayList<>();
            for (int from = 0; from < frontier.size(); from += IN_CHUNK) {
                List<String> chunk = frontier.subList(from, Math.min(frontier.size(), from + IN_CHUNK));
                try (PreparedStatement ps = c.prepareStatement("SELECT from_key, queue_id, to_key FROM maillog_hop"
                        + " WHERE from_key IN (" + MailLogRepository.placeholders(chunk.size())
                        + ") AND to_key IS NOT NULL ORDER BY sent_at, queue_id")) {
                    bind(ps, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            next.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2),
                                    rs.getString(3));
                            if (keys.add(rs.getString(3))) {
                                found.add(rs.getString(3));
                            }
                        }
                    }
                }
            }
            frontier = found;
        }
        Map<String, StoredMessage> loaded = loader.load(c, List.copyOf(keys), withAttempts);
        Map<String, Trail> out = new LinkedHashMap<>();
        for (String root : withNextHost(c, roots)) {
            StoredMessage m = loaded.get(root);
            if (m == null) {
                continue;
            }
            List<StoredMessage> hops = new ArrayList<>();
            collectHops(root, next, loaded, hops, new HashSet<>(Set.of(root)), 0);
            out.put(root, new Trail(m, hops, merged(m, next, loaded, 0)));
        }
        return out;
    }

    private static void collectHops(String key, Map<String, Map<String, String>> next,
            Map<String, StoredMessage> loaded, List<StoredMessage> out, Set<String> seen, int depth) {
        if (depth >= MAX_DEPTH) {
            return;
        }
        for (String to : next.getOrDefault(key, Map.of()).values()) {
            StoredMessage m = loaded.get(to);
            if (m != null && seen.add(to)) {
                out.add(m);
                collectHops(to, next, loaded, out, seen, depth + 1);
            }
        }
    }

    /**
     * The recipients of {@code m} with the state of the host each was handed to: a recipient whose last answer
     * names a linked next host's queue ID takes that host's recipient of the same address (or the ones expanded
     * from it), with the attempts of both.
     */
    private static List<TrailRecipient> merged(StoredMessage m, Map<String, Map<String, String>> next,
            Map<String, StoredMessage> loaded, int depth) {
        List<TrailRecipient> out = new ArrayList<>();
        Map<String, String> hops = next.getOrDefault(m.key(), Map.of());
        for (StoredRecipient r : m.recipients()) {
            TrailRecipient own = new TrailRecipient(r, hosts(r, m.host()));
            String q = r.response() == null ? null : PostfixCorrelator.queuedAs(r.response());
            String to = q == null ? null : hops.get(q);
            StoredMessage child = to == null ? null : loaded.get(to);
            if (child == null || depth >= MAX_DEPTH) {
                out.add(own);
                continue;
            }
            String address = r.address().toLowerCase(Locale.ROOT);
            List<TrailRecipient> matches = new ArrayList<>();
            for (TrailRecipient t : merged(child, next, loaded, depth + 1)) {
                StoredRecipient cr = t.recipient();
                boolean same = cr.address().toLowerCase(Locale.ROOT).equals(address);
                if (same || (cr.origTo() != null && cr.origTo().toLowerCase(Locale.ROOT).equals(address))) {
                    List<AttemptRecord> attempts = r.attempts() == null || cr.attempts() == null ? null
                            : concat(r.attempts(), cr.attempts());
                    List<String> attemptHosts = own.attemptHosts() == null || t.attemptHosts() == null ? null
                            : concat(own.attemptHosts(), t.attemptHosts());
                    matches.add(new TrailRecipient(new StoredRecipient(cr.address(),
                            same ? (r.origTo() != null ? r.origTo() : cr.origTo()) : cr.origTo(), cr.status(),
                            cr.dsn(), cr.relay(), cr.response(), cr.lastAttemptAt(),
                            cr.account() != null ? cr.account() : r.account(), attempts), attemptHosts));
                }
            }
            out.addAll(matches.isEmpty() ? List.of(own) : matches);
        }
        return out;
    }

    /** A message that stayed on one host as a trail without hops. */
    public static Trail single(StoredMessage m) {
        return new Trail(m, List.of(), m.recipients().stream().map(r -> new TrailRecipient(r, hosts(r, m.host())))
                .toList());
    }

    private static List<String> hosts(StoredRecipient r, String host) {
        return r.attempts() == null ? null : java.util.Collections.nCopies(r.attempts().size(), host);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private static void bind(PreparedStatement ps, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(i + 1, values.get(i));
        }
    }
}
