package org.hostctl.server.maillog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Correlates Postfix lines by (host, queue ID) into {@link MessageRecord}s (../shared/reference/postfix-logs.md §5).
 *
 * <p>When a message is told to the sink:
 * <ul>
 * <li>A record becomes visible with its first cleanup {@code message-id=}, qmgr, delivery or removal line; a
 * {@code client=} or {@code uid=} line alone (an aborted session) is never told, and is dropped by
 * {@link #expireOlderThan} or the open-record cap.</li>
 * <li>Mail from an smtpd client without {@code sasl_username} may be the re-injection of a content filter or of
 * another local instance ({@code status=sent (250 … queued as NEXTQID)}); it is held back until its first
 * delivery attempt, its end, a line {@link #HOP_WINDOW} later, {@link #flush} or expiry, so that such a hop is
 * merged into the upstream record (one message, {@code queueIds} = the chain) instead of showing twice.</li>
 * <li>After that, every change is told: each attempt, expiry, notification link, removal.</li>
 * </ul>
 * NOQUEUE rejects of an smtpd session are told at its {@code disconnect} (or {@link #flush}/expiry) so that a
 * {@code sasl_username} seen anywhere in that session is attributed. Not thread-safe; feed one stream in order.
 */
public final class PostfixCorrelator implements LogCorrelator {
    public static final int DEFAULT_MAX_OPEN = 100_000;
    public static final Duration HOP_WINDOW = Duration.ofSeconds(60);
    /**
     * How much longer than the {@link #expireOlderThan} cutoff a message already told stays open: a deferred
     * message is retried after up to {@code maximal_backoff_time} (4000 s) and held mail sits for days, and a
     * record forgotten too early would make its later lines a second message. Matches the seeding window.
     */
    public static final Duration TOLD_RETENTION = Duration.ofDays(7);
    private static final int MAX_PENDING = 10_000;
    private static final int MAX_SESSIONS = 10_000;
    private static final int MAX_SESSION_REJECTS = 100;
    private static final int MAX_RECIPIENTS = 10_000;
    private static final int MAX_ATTEMPTS = 200;

    private final MailLogSink sink;
    private final LineParser parser;
    private final int maxOpen;

    private long serial;
    private final LinkedHashMap<Long, Rec> open = new LinkedHashMap<>();
    private final HashMap<String, Rec> byQid = new HashMap<>();
    /** host/QID expected to continue a record: local hop not yet seen, requeue. */
    private final Map<String, Rec> pendingLink = lru(MAX_PENDING);
    /** host/QID of a notification whose own lines have not started yet → parent key and kind. */
    private final Map<String, String[]> pendingParent = lru(MAX_PENDING);
    /** host/QID recently removed → record (for orig_queue_id and late notification lines). */
    private final Map<String, Rec> recentlyClosed = lru(MAX_PENDING);
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();
    private final ArrayDeque<Rec> held = new ArrayDeque<>();
    /** Hops on loopback whose queue ID this log has not shown yet, oldest first, with when to stop waiting. */
    private final ArrayDeque<PendingHop> pendingHops = new ArrayDeque<>();
    private String lastRejectStem;
    private int rejectSeq;

    private long lines;
    private long postfixLines;
    private long unparsedLines;
    private long messagesTold;
    private long rejectsTold;
    private long dropped;

    public PostfixCorrelator(MailLogSink sink, LineParser parser) {
        this(sink, parser, DEFAULT_MAX_OPEN);
    }

    public PostfixCorrelator(MailLogSink sink, LineParser parser, int maxOpen) {
        this.sink = sink;
        this.parser = parser;
        this.maxOpen = Math.max(1, maxOpen);
    }

    @Override
    public void overrideHost(String host) {
        parser.overrideHost(host);
    }

    /** Counters since construction. */
    public record Stats(long lines, long postfixLines, long unparsed, long messageUpserts, long rejects,
            long dropped, int openRecords) {}

    public Stats stats() {
        return new Stats(lines, postfixLines, unparsedLines, messagesTold, rejectsTold, dropped, open.size());
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> e) {
                return size() > max;
            }
        };
    }

    // ------------------------------------------------------------------ state

    private static final class Rec {
        final long id;
        final String host;
        final String key;
        final Instant receivedAt;
        final List<String> qids = new ArrayList<>(2);
        final List<String> live = new ArrayList<>(2);
        int pendingLinks;
        String messageId;
        String sender;
        String saslUser;
        String uid;
        String client;
        Long size;
        Integer nrcpt;
        Instant removedAt;
        Instant lastSeen;
        String parentKey;
        String kind;
        boolean expired;
        boolean real;
        boolean hopHold;
        boolean emitted;
        boolean closed;
        /** queue IDs whose client=/uid= line, and whose message-id= line, were seen */
        final List<String> startSeen = new ArrayList<>(2);
        final List<String> messageIdSeen = new ArrayList<>(2);
        final LinkedHashMap<String, Rcpt> rcpts = new LinkedHashMap<>();

        Rec(long id, String host, String qid, Instant at) {
            this.id = id;
            this.host = host;
            this.key = host + "/" + qid + "/" + at;
            this.receivedAt = at;
            this.lastSeen = at;
            qids.add(qid);
            live.add(qid);
        }

        /** A record rebuilt from what was told before a restart: same key; queue IDs are made live by seed. */
        Rec(long id, MessageRecord m) {
            this.id = id;
            this.host = m.host();
            this.key = m.key();
            this.receivedAt = m.receivedAt();
            this.lastSeen = m.receivedAt();
            qids.addAll(m.queueIds());
        }
    }

    /** A loopback hop {@code key} (host/QID) of {@code rec} awaited until {@code deadline} (log time). */
    private record PendingHop(String key, Rec rec, Instant deadline) {}

    private static final class Rcpt {
        final String address;
        String origTo;
        String status = "pending";
        String dsn;
        String relay;
        String response;
        Instant lastAttemptAt;
        final List<AttemptRecord> attempts = new ArrayList<>(1);

        Rcpt(String address) {
            this.address = address;
        }
    }

    private static final class Session {
        final String host;
        final Instant at;
        String saslUser;
        final List<RejectRecord> rejects = new ArrayList<>(0);

        Session(String host, Instant at) {
            this.host = host;
            this.at = at;
        }
    }

    // ------------------------------------------------------------------ input

    @Override
    public void accept(String source, long offset, String line) {
        lines++;
        LineParser.Line l = parser.parse(line).orElse(null);
        if (l == null) {
            return;
        }
        postfixLines++;
        boolean understood;
        try {
            understood = dispatch(l);
        } catch (RuntimeException e) { // a rule bug must not stop ingestion: report the line instead
            understood = false;
        }
        if (!understood) {
            unparsedLines++;
            sink.unparsed(source, offset, line.length() > LineParser.MAX_LINE ? line.substring(0, LineParser.MAX_LINE)
                    : line);
        }
        sweepHeld(l.time());
    }

    /** Tells everything held back: hop candidates that are real messages and buffered session rejects. */
    public void flush() {
        for (Rec r : new ArrayList<>(held)) {
            release(r);
        }
        held.clear();
        for (Session s : sessions.values()) {
            tellRejects(s);
        }
        sessions.clear();
    }

    /**
     * Adopts messages told before a restart that have no {@code removed} yet (oldest first), so that their
     * later lines (attempts, notifications, removal) update the same key instead of starting a second message.
     * Nothing is told; a queue ID already open is left to the open record. A recipient whose last attempt
     * handed the message to a local hop ({@code sent … queued as NEXTQID} on loopback, still {@code pending})
     * waits for that hop again.
     */
    @Override
    public void seed(java.util.Collection<MessageRecord> messages) {
        List<Rec> seeded = new ArrayList<>();
        for (MessageRecord m : messages) {
            if (m == null || m.key() == null || m.host() == null || m.receivedAt() == null || m.removedAt() != null
                    || m.queueIds() == null || m.queueIds().isEmpty()) {
                continue;
            }
            if (byQid.containsKey(m.host() + "/" + m.queueIds().get(0))) {
                continue;
            }
            Rec r = new Rec(++serial, m);
            seeded.add(r);
            r.messageId = m.messageId();
            r.sender = m.sender();
            r.saslUser = m.saslUser();
            r.uid = m.uid();
            r.client = m.client();
            r.size = m.size();
            r.nrcpt = m.nrcpt();
            r.parentKey = m.parentKey();
            r.kind = m.notificationKind();
            r.real = true;
            r.emitted = true;
            for (int i = 0; i < r.qids.size(); i++) {
                String q = r.qids.get(i);
                if (i > 0 || r.client != null || r.uid != null) {
                    r.startSeen.add(q);
                }
                if (r.messageId != null) {
                    r.messageIdSeen.add(q);
                }
            }
            byQid.put(r.host + "/" + r.qids.get(0), r);
            for (RecipientRecord p : m.recipients() == null ? List.<RecipientRecord>of() : m.recipients()) {
                Rcpt x = rcpt(r, p.address());
                if (x == null) {
                    break;
                }
                x.origTo = p.origTo();
                x.status = p.status() == null ? "pending" : p.status();
                x.dsn = p.dsn();
                x.relay = p.relay();
                x.response = p.response();
                x.lastAttemptAt = p.lastAttemptAt();
                if (p.attempts() != null) {
                    x.attempts.addAll(p.attempts());
                }
                if (x.status.equals("expired")) {
                    r.expired = true;
                }
                if (x.lastAttemptAt != null) {
                    touchTime(r, x.lastAttemptAt);
                }
                String next = x.status.equals("pending") && "sent".equals(lastStatus(x)) && x.response != null
                        ? queuedAs(x.response) : null;
                if (next != null && !r.qids.contains(next) && isLoopback(LineParser.bracketIp(x.relay))) {
                    pendingLink.put(r.host + "/" + next, r);
                    r.pendingLinks++;
                    pendingHops.addLast(new PendingHop(r.host + "/" + next, r, (x.lastAttemptAt == null
                            ? r.receivedAt : x.lastAttemptAt).plus(HOP_WINDOW)));
                }
            }
            open.put(r.id, r);
        }
        // later hops of a chain; a queue ID that is another message's own first one (a hop told on its own
        // and only listed here for search) stays that message's. Only the newest queue file of a chain counts as
        // still queued: an earlier hop was normally removed right after handing the message on (its removed
        // line, if it comes, finds the record all the same)
        for (Rec r : seeded) {
            String newest = r.qids.get(0);
            for (String q : r.qids.subList(1, r.qids.size())) {
                if (byQid.putIfAbsent(r.host + "/" + q, r) == null) {
                    newest = q;
                }
            }
            r.live.add(newest);
        }
        while (open.size() > maxOpen) {
            Iterator<Rec> it = open.values().iterator();
            Rec old = it.next();
            it.remove();
            drop(old);
        }
    }

    private static String lastStatus(Rcpt p) {
        return p.attempts.isEmpty() ? null : p.attempts.get(p.attempts.size() - 1).status();
    }

    @Override
    public void expireOlderThan(Instant cutoff) {
        Instant toldCutoff = cutoff.minus(TOLD_RETENTION);
        for (Iterator<Rec> it = open.values().iterator(); it.hasNext();) {
            Rec r = it.next();
            if (r.lastSeen.isBefore(r.emitted ? toldCutoff : cutoff)) {
                it.remove();
                drop(r);
            }
        }
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext();) {
            Session s = it.next();
            if (s.at.isBefore(cutoff)) {
                tellRejects(s);
                it.remove();
            }
        }
        held.removeIf(r -> r.closed);
    }

    /** Forgets {@code r} (already out of {@code open}): a held real message is told first. */
    private void drop(Rec r) {
        if (r.hopHold) {
            r.hopHold = false;
            tell(r);
        }
        r.closed = true;
        dropped++;
        for (String q : r.live) {
            byQid.remove(r.host + "/" + q, r);
        }
    }

    private void sweepHeld(Instant now) {
        sweepHops(now);
        while (!held.isEmpty()) {
            Rec r = held.peekFirst();
            if (r.closed || !r.hopHold) {
                held.pollFirst();
            } else if (r.receivedAt.plus(HOP_WINDOW).isBefore(now)) {
                held.pollFirst();
                release(r);
            } else {
                break;
            }
        }
    }

    /**
     * Stops waiting for loopback hops this log has not shown within {@link #HOP_WINDOW}: the next queue was another
     * host's (a second Postfix instance logging elsewhere, which the store links by queue ID) or a filter that
     * logs nothing here. The recipients handed to it count as sent, and a record whose queue files are all gone
     * ends.
     */
    private void sweepHops(Instant now) {
        while (!pendingHops.isEmpty() && pendingHops.peekFirst().deadline().isBefore(now)) {
            PendingHop h = pendingHops.pollFirst();
            Rec r = h.rec();
            if (r.closed || pendingLink.get(h.key()) != r) {
                continue;
            }
            pendingLink.remove(h.key());
            r.pendingLinks = Math.max(0, r.pendingLinks - 1);
            String qid = h.key().substring(h.key().lastIndexOf('/') + 1);
            for (Rcpt p : r.rcpts.values()) {
                if (p.status.equals("pending") && "sent".equals(lastStatus(p)) && p.response != null
                        && qid.equals(queuedAs(p.response))) {
                    p.status = "sent";
                }
            }
            if (r.live.isEmpty() && r.pendingLinks == 0) {
                if (r.removedAt == null) {
                    r.removedAt = r.lastSeen;
                }
                r.closed = true;
                open.remove(r.id);
            }
            tell(r);
        }
    }

    private void release(Rec r) {
        if (r.hopHold && !r.closed) {
            r.hopHold = false;
            tell(r);
        }
    }

    private boolean dispatch(LineParser.Line l) {
        String d = l.daemon();
        if (l.severity() != null) {
            return true; // warnings and errors: nothing to correlate
        }
        return switch (d) {
            case "smtpd" -> smtpd(l);
            case "cleanup" -> cleanup(l);
            case "qmgr", "oqmgr" -> qmgr(l);
            case "pickup" -> pickup(l);
            case "bounce" -> bounce(l);
            case "postsuper" -> postsuper(l);
            case "postscreen" -> postscreen(l);
            case "smtp", "lmtp", "virtual", "local", "pipe", "error", "retry", "discard", "relay" -> delivery(l);
            default -> {
                if (l.queueId() != null && l.text().startsWith("to=<") && l.text().contains("status=")) {
                    yield delivery(l); // a delivery agent under another name (master.cf service)
                }
                yield true; // anvil, master, scache, tlsmgr, dnsblog, trivial-rewrite, postfix-script, …
            }
        };
    }

    // ------------------------------------------------------------------ smtpd

    private boolean smtpd(LineParser.Line l) {
        String t = l.text();
        String q = l.queueId();
        String sessionKey = l.host() + "/" + l.program() + "/" + l.pid();
        if (q == null) {
            if (t.startsWith("connect from ")) {
                Session old = sessions.remove(sessionKey);
                if (old != null) {
                    tellRejects(old);
                }
                sessions.put(sessionKey, new Session(l.host(), l.time()));
                if (sessions.size() > MAX_SESSIONS) {
                    Iterator<Session> it = sessions.values().iterator();
                    tellRejects(it.next());
                    it.remove();
                }
                return true;
            }
            if (t.startsWith("disconnect from ")) {
                Session s = sessions.remove(sessionKey);
                if (s != null) {
                    tellRejects(s);
                }
                return true;
            }
            if (t.startsWith("proxy-reject: ")) {
                Session s = sessions.get(sessionKey);
                tellReject(reject(l, t.substring(14), s == null ? null : s.saslUser, true));
                return true;
            }
            return knownSmtpdNoise(t);
        }
        if (q.equals("NOQUEUE")) {
            if (t.startsWith("reject: ") || t.startsWith("milter-reject: ") || t.startsWith("proxy-reject: ")) {
                RejectRecord r = reject(l, t.substring(t.indexOf(' ') + 1), null, true);
                Session s = sessions.get(sessionKey);
                if (s != null && s.rejects.size() < MAX_SESSION_REJECTS) {
                    s.rejects.add(r);
                } else {
                    tellReject(withSasl(r, s == null ? null : s.saslUser));
                }
                return true;
            }
            return t.startsWith("filter: ") || t.startsWith("hold: ") || t.startsWith("discard: ")
                    || t.startsWith("warn: ") || t.startsWith("redirect: ") || t.startsWith("lost connection")
                    || t.startsWith("client=");
        }
        if (t.startsWith("client=")) {
            Map<String, String> f = LineParser.fields(t, 0);
            String sasl = f.get("sasl_username");
            Session s = sessions.get(sessionKey);
            if (s != null && sasl != null) {
                s.saslUser = sasl;
            }
            Rec r = start(l, q, "client");
            if (r == null) {
                return true;
            }
            if (r.client == null) {
                r.client = f.get("client");
            }
            if (sasl != null) {
                r.saslUser = sasl;
            }
            String orig = f.get("orig_queue_id");
            if (orig != null && r.qids.size() == 1 && !r.emitted) {
                Rec up = byQid.get(l.host() + "/" + orig);
                if (up == null) {
                    up = recentlyClosed.get(l.host() + "/" + orig);
                }
                if (up != null && up != r && !up.closed) {
                    mergeInto(up, r);
                    return true;
                }
            }
            if (sasl == null && !r.emitted && isFreshStart(r)) {
                r.hopHold = true;
                held.addLast(r);
            }
            tell(r);
            return true;
        }
        if (t.startsWith("reject: ") || t.startsWith("milter-reject: ") || t.startsWith("proxy-reject: ")) {
            Rec r = byQid.get(l.host() + "/" + q);
            Session s = sessions.get(sessionKey);
            String sasl = r != null && r.saslUser != null ? r.saslUser : s == null ? null : s.saslUser;
            tellReject(reject(l, t.substring(t.indexOf(' ') + 1), sasl, true));
            if (r != null) {
                touch(r, l);
            }
            return true;
        }
        return t.startsWith("filter: ") || t.startsWith("hold: ") || t.startsWith("discard: ")
                || t.startsWith("warn: ") || t.startsWith("redirect: ") || t.startsWith("lost connection")
                || knownSmtpdNoise(t);
    }

    private static boolean isFreshStart(Rec r) {
        return r.rcpts.isEmpty() && r.parentKey == null;
    }

    private static boolean knownSmtpdNoise(String t) {
        return t.startsWith("lost connection") || t.startsWith("timeout after") || t.contains("TLS connection established")
                || t.startsWith("improper command pipelining") || t.startsWith("too many errors")
                || t.startsWith("SSL_accept error") || t.startsWith("setting up TLS") || t.startsWith("Anonymous TLS")
                || t.startsWith("warning") || t.startsWith("NOQUEUE") || t.startsWith("proxy-")
                || t.startsWith("discarding EHLO") || t.startsWith("non-SMTP command") || t.startsWith("SASL ")
                || t.startsWith("client=") || t.startsWith("abort") || t.startsWith("reject_") || t.startsWith("TLS ")
                || t.startsWith("disconnect") || t.startsWith("connect") || t.startsWith("Untrusted")
                || t.startsWith("Trusted") || t.startsWith("Verified") || t.startsWith("message repeated")
                || t.startsWith("table ") || t.startsWith("dict_") || t.startsWith("auth");
    }

    // ------------------------------------------------------------------ postscreen

    private boolean postscreen(LineParser.Line l) {
        String t = l.text();
        if ("NOQUEUE".equals(l.queueId()) && t.startsWith("reject: ")) {
            tellReject(reject(l, t.substring(8), null, true));
        }
        return true;
    }

    // ------------------------------------------------------------------ cleanup

    private boolean cleanup(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null || q.equals("NOQUEUE")) {
            return true; // cleanup's own diagnostics
        }
        if (t.startsWith("message-id=")) {
            Rec r = start(l, q, "message-id");
            if (r == null) {
                return true;
            }
            String id = t.substring("message-id=".length());
            if (r.messageId == null || r.messageId.equals("<>") || q.equals(r.qids.get(0))) {
                r.messageId = id.isEmpty() ? null : id;
            }
            r.messageIdSeen.add(q);
            r.real = true;
            tell(r);
            return true;
        }
        if (t.startsWith("resent-message-id=") || t.startsWith("warning: ") || t.startsWith("replace: ")
                || t.startsWith("redirect: ") || t.startsWith("filter: ") || t.startsWith("prepend: ")
                || t.startsWith("info: ") || t.startsWith("bcc: ") || t.startsWith("dunno: ")) {
            touchIfOpen(l);
            return true;
        }
        if (t.startsWith("hold: ")) {
            Rec r = byQid.get(l.host() + "/" + q);
            if (r != null) {
                r.real = true;
                r.hopHold = false;
                touch(r, l);
                tell(r);
            }
            return true;
        }
        if (t.startsWith("reject: ") || t.startsWith("milter-reject: ") || t.startsWith("discard: ")) {
            Rec r = byQid.get(l.host() + "/" + q);
            if (!t.startsWith("discard: ")) {
                tellReject(reject(l, t.substring(t.indexOf(' ') + 1), r == null ? null : r.saslUser, false));
            }
            if (r != null) {
                r.hopHold = false;
                endQid(r, q, l.time(), r.emitted); // never queued: told only if already visible
            }
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ pickup

    private boolean pickup(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null || !t.startsWith("uid=")) {
            return q == null;
        }
        Map<String, String> f = LineParser.fields(t, 0);
        String orig = f.get("orig_id");
        if (orig != null) {
            Rec r = pendingLink.remove(l.host() + "/" + orig);
            if (r != null && !r.closed) {
                r.pendingLinks = Math.max(0, r.pendingLinks - 1);
                attachQid(r, q);
                touch(r, l);
                tell(r);
                return true;
            }
        }
        Rec r = start(l, q, "uid");
        if (r == null) {
            return true;
        }
        String uid = f.get("uid");
        if (uid != null) {
            int sp = uid.indexOf(' ');
            r.uid = sp < 0 ? uid : uid.substring(0, sp);
        }
        if (r.sender == null && f.get("from") != null) {
            r.sender = LineParser.unbracket(f.get("from"));
        }
        tell(r);
        return true;
    }

    // ------------------------------------------------------------------ qmgr

    private boolean qmgr(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null) {
            return true;
        }
        if (t.equals("removed")) {
            Rec r = byQid.get(l.host() + "/" + q);
            if (r != null) {
                r.hopHold = false;
                endQid(r, q, l.time(), true);
            }
            return true;
        }
        if (t.startsWith("from=")) {
            Map<String, String> f = LineParser.fields(t, 0);
            Rec r = byQid.get(l.host() + "/" + q);
            if (r == null) {
                r = create(l, q);
                if (!r.emitted && r.qids.size() == 1) { // first seen here: may still turn out to be a hop
                    r.hopHold = true;
                    held.addLast(r);
                }
            }
            touch(r, l);
            boolean first = q.equals(r.qids.get(0));
            String from = LineParser.unbracket(f.get("from"));
            if (from != null && (first || r.sender == null)) {
                r.sender = from;
            }
            String status = f.get("status");
            if (status != null && status.endsWith("expired")) {
                r.expired = true;
                for (Rcpt p : r.rcpts.values()) {
                    if (p.status.equals("deferred") || p.status.equals("pending")) {
                        p.status = "expired";
                        p.lastAttemptAt = l.time();
                        addAttempt(p, new AttemptRecord(l.time(), null, null, p.dsn, "expired",
                                status + ", returned to sender"));
                    }
                }
                r.hopHold = false;
            } else {
                Long size = parseLong(f.get("size"));
                Integer nrcpt = parseInt(f.get("nrcpt"));
                if (size != null && (first || r.size == null)) {
                    r.size = size;
                }
                if (nrcpt != null && (first || r.nrcpt == null)) {
                    r.nrcpt = nrcpt;
                }
            }
            r.real = true;
            tell(r);
            return true;
        }
        return t.startsWith("skipped") || t.startsWith("warning");
    }

    // ------------------------------------------------------------------ delivery agents

    private boolean delivery(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null || q.equals("NOQUEUE")) {
            return true; // connect to …, TLS, discarding EHLO keywords, …
        }
        if (!t.startsWith("to=")) {
            touchIfOpen(l);
            return true; // host … said, lost connection with …, conversation with … timed out, …
        }
        Map<String, String> f = LineParser.fields(t, 0);
        String to = LineParser.unbracket(f.get("to"));
        String status = f.get("status");
        if (to == null || status == null) {
            return false;
        }
        Rec r = byQid.get(l.host() + "/" + q);
        if (r == null) {
            r = create(l, q);
        }
        touch(r, l);
        r.real = true;
        r.hopHold = false;
        String relay = f.get("relay");
        String response = LineParser.response(t);
        String st = status.toLowerCase(Locale.ROOT);
        Rcpt p = rcpt(r, to);
        if (p == null) {
            tell(r);
            return true;
        }
        String orig = LineParser.unbracket(f.get("orig_to"));
        if (p.origTo == null && orig != null) {
            p.origTo = orig;
        }
        p.dsn = f.get("dsn");
        p.relay = relay;
        p.response = response;
        p.lastAttemptAt = l.time();
        p.status = st;
        addAttempt(p, new AttemptRecord(l.time(), relay, f.get("delay"), f.get("dsn"), st, response));
        if (st.equals("sent") && response != null) {
            String next = queuedAs(response);
            if (next != null && followHop(r, l, relay, next)) {
                p.status = "pending"; // reached the next hop of the same host; its lines decide
            }
        }
        tell(r);
        return true;
    }

    private static void addAttempt(Rcpt p, AttemptRecord a) {
        if (p.attempts.size() >= MAX_ATTEMPTS) {
            p.attempts.remove(1); // keep the first and the latest
        }
        p.attempts.add(a);
    }

    private static Rcpt rcpt(Rec r, String address) {
        String k = address.toLowerCase(Locale.ROOT);
        Rcpt p = r.rcpts.get(k);
        if (p == null) {
            if (r.rcpts.size() >= MAX_RECIPIENTS) {
                return null;
            }
            p = new Rcpt(address);
            r.rcpts.put(k, p);
        }
        return p;
    }

    /** The last {@code queued as ID} of a response, or null. */
    public static String queuedAs(String response) {
        int k = response.lastIndexOf("queued as ");
        if (k < 0) {
            return null;
        }
        int s = k + 10;
        int e = s;
        while (e < response.length() && Character.isLetterOrDigit(response.charAt(e))) {
            e++;
        }
        String id = response.substring(s, e);
        return LineParser.isQueueId(id) ? id : null;
    }

    /** Links {@code next} into {@code r} when it is a hop on this host; true when it is one. */
    private boolean followHop(Rec r, LineParser.Line l, String relay, String next) {
        String ip = LineParser.bracketIp(relay);
        boolean loopback = isLoopback(ip);
        String nk = l.host() + "/" + next;
        Rec x = byQid.get(nk);
        if (x == r) {
            return true; // already joined (orig_queue_id)
        }
        if (x != null && !x.closed) {
            String clientIp = LineParser.bracketIp(x.client);
            if (!loopback && (ip == null || !ip.equals(clientIp))) {
                return false;
            }
            if (!x.emitted) {
                mergeInto(r, x);
            } else if (!r.qids.contains(next)) {
                r.qids.add(next); // told on its own already: list it for search, keep both
                return false;
            }
            return true;
        }
        if (loopback) {
            pendingLink.put(nk, r);
            r.pendingLinks++;
            pendingHops.addLast(new PendingHop(nk, r, l.time().plus(HOP_WINDOW)));
            return true;
        }
        return false;
    }

    private static boolean isLoopback(String ip) {
        return ip != null && (ip.startsWith("127.") || ip.equals("::1") || ip.equalsIgnoreCase("ipv6:::1"));
    }

    /** Moves the untold record {@code x} into {@code r}: its queue IDs, recipients and missing fields. */
    private void mergeInto(Rec r, Rec x) {
        open.remove(x.id);
        x.closed = true;
        for (String q : x.qids) {
            if (!r.qids.contains(q)) {
                r.qids.add(q);
            }
        }
        for (String q : x.live) {
            byQid.put(x.host + "/" + q, r);
            if (!r.live.contains(q)) {
                r.live.add(q);
            }
        }
        if (!r.live.isEmpty()) {
            r.removedAt = null;
        }
        if (r.messageId == null) {
            r.messageId = x.messageId;
        }
        if (r.sender == null) {
            r.sender = x.sender;
        }
        for (Map.Entry<String, Rcpt> e : x.rcpts.entrySet()) {
            Rcpt mine = r.rcpts.get(e.getKey());
            if (mine == null) {
                r.rcpts.put(e.getKey(), e.getValue());
            } else {
                Rcpt theirs = e.getValue();
                mine.attempts.addAll(theirs.attempts);
                if (!theirs.attempts.isEmpty()) {
                    mine.status = theirs.status;
                    mine.dsn = theirs.dsn;
                    mine.relay = theirs.relay;
                    mine.response = theirs.response;
                    mine.lastAttemptAt = theirs.lastAttemptAt;
                }
            }
        }
        if (x.lastSeen.isAfter(r.lastSeen)) {
            r.lastSeen = x.lastSeen;
        }
        r.real = true;
        tell(r);
    }

    // ------------------------------------------------------------------ bounce, postsuper

    private boolean bounce(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null) {
            return true;
        }
        int k = t.indexOf(" notification: ");
        if (k < 0) {
            return false;
        }
        String what = t.substring(0, k);
        String child = t.substring(k + 15).trim();
        Rec parent = byQid.get(l.host() + "/" + q);
        if (parent == null) {
            parent = recentlyClosed.get(l.host() + "/" + q);
        }
        if (parent == null) {
            return true;
        }
        touch(parent, l);
        String kind = what.contains("delay") ? "delay" : what.contains("delivery status") ? "success"
                : parent.expired ? "expired" : "bounce";
        Rec c = byQid.get(l.host() + "/" + child);
        if (c != null && c != parent) {
            c.parentKey = parent.key;
            c.kind = kind;
            c.hopHold = false;
            tell(c);
        } else if (c == null) {
            pendingParent.put(l.host() + "/" + child, new String[] {parent.key, kind});
        }
        return true;
    }

    private boolean postsuper(LineParser.Line l) {
        String q = l.queueId();
        String t = l.text();
        if (q == null) {
            return true; // summaries: "Deleted: 1 message"
        }
        Rec r = byQid.get(l.host() + "/" + q);
        switch (t) {
            case "removed" -> {
                if (r != null) {
                    r.hopHold = false;
                    endQid(r, q, l.time(), true);
                }
                return true;
            }
            case "requeued" -> {
                if (r != null) {
                    r.pendingLinks++;
                    pendingLink.put(l.host() + "/" + q, r);
                    unindex(r, q);
                    touch(r, l);
                    tell(r);
                }
                return true;
            }
            case "placed on hold", "released from hold", "expired" -> {
                if (r != null) {
                    touch(r, l);
                }
                return true;
            }
            default -> {
                return t.startsWith("placed") || t.startsWith("released") || t.startsWith("requeued")
                        || t.startsWith("force");
            }
        }
    }

    // ------------------------------------------------------------------ record lifecycle

    /**
     * The record a start line ({@code client=}, {@code uid=}, {@code message-id=}) belongs to: the open one for the
     * QID unless it already had this kind of start (short QIDs are reused), else a new one.
     */
    private Rec start(LineParser.Line l, String q, String what) {
        String k = l.host() + "/" + q;
        Rec r = byQid.get(k);
        if (r != null) {
            boolean again = what.equals("message-id") ? r.messageIdSeen.contains(q) : r.startSeen.contains(q);
            if (!again) {
                if (!what.equals("message-id")) {
                    r.startSeen.add(q);
                }
                touch(r, l);
                return r;
            }
            // the earlier use of this QID ended without a removal we saw
            if (r.qids.size() == 1 && r.live.size() == 1) {
                open.remove(r.id);
                drop(r);
            } else {
                unindex(r, q);
            }
        }
        Rec n = create(l, q);
        if (!what.equals("message-id")) {
            n.startSeen.add(q);
        }
        return n;
    }

    /** A record for a QID without an open one: the continuation of a hop or requeue, else a new record. */
    private Rec create(LineParser.Line l, String q) {
        String k = l.host() + "/" + q;
        Rec linked = pendingLink.remove(k);
        if (linked != null && !linked.closed) {
            linked.pendingLinks = Math.max(0, linked.pendingLinks - 1);
            attachQid(linked, q);
            touch(linked, l);
            return linked;
        }
        Rec r = new Rec(++serial, l.host(), q, l.time());
        byQid.put(k, r);
        open.put(r.id, r);
        String[] parent = pendingParent.remove(k);
        if (parent != null) {
            r.parentKey = parent[0];
            r.kind = parent[1];
        }
        while (open.size() > maxOpen) {
            Iterator<Rec> it = open.values().iterator();
            Rec old = it.next();
            it.remove();
            drop(old);
        }
        return r;
    }

    private void attachQid(Rec r, String q) {
        r.removedAt = null; // queued again, in the next queue file
        if (!r.qids.contains(q)) {
            r.qids.add(q);
        }
        if (!r.live.contains(q)) {
            r.live.add(q);
        }
        byQid.put(r.host + "/" + q, r);
    }

    private void unindex(Rec r, String q) {
        r.live.remove(q);
        byQid.remove(r.host + "/" + q, r);
        recentlyClosed.put(r.host + "/" + q, r);
    }

    /** The queue file {@code q} of {@code r} is gone; the record ends when no queue file and no hop remains. */
    private void endQid(Rec r, String q, Instant at, boolean told) {
        unindex(r, q);
        touchTime(r, at);
        if (r.live.isEmpty() && r.pendingLinks == 0) {
            r.removedAt = at;
            r.closed = true;
            open.remove(r.id);
            for (Rcpt p : r.rcpts.values()) {
                if (p.status.equals("pending") && !p.attempts.isEmpty()) {
                    p.status = p.attempts.get(p.attempts.size() - 1).status();
                }
            }
            if (told) {
                r.real = true;
            }
        } else if (r.live.isEmpty()) {
            r.removedAt = at; // gone from this host's queue; a hop it waits for brings it back
        }
        if (told || r.emitted) {
            tell(r);
        }
    }

    private void touchIfOpen(LineParser.Line l) {
        Rec r = byQid.get(l.host() + "/" + l.queueId());
        if (r != null) {
            touch(r, l);
        }
    }

    private static void touch(Rec r, LineParser.Line l) {
        touchTime(r, l.time());
    }

    private static void touchTime(Rec r, Instant t) {
        if (t.isAfter(r.lastSeen)) {
            r.lastSeen = t;
        }
    }

    private void tell(Rec r) {
        if (!r.real || r.hopHold) {
            return;
        }
        r.emitted = true;
        messagesTold++;
        List<RecipientRecord> rs = new ArrayList<>(r.rcpts.size());
        for (Rcpt p : r.rcpts.values()) {
            rs.add(new RecipientRecord(p.address, p.origTo, p.status, p.dsn, p.relay, p.response, p.lastAttemptAt,
                    List.copyOf(p.attempts)));
        }
        sink.message(new MessageRecord(r.key, r.host, List.copyOf(r.qids), r.messageId, r.sender, r.saslUser, r.uid,
                r.client, r.size, r.nrcpt, r.receivedAt, r.removedAt, r.parentKey, r.kind, List.copyOf(rs)));
    }

    // ------------------------------------------------------------------ rejects

    private void tellRejects(Session s) {
        for (RejectRecord r : s.rejects) {
            tellReject(withSasl(r, s.saslUser));
        }
        s.rejects.clear();
    }

    private static RejectRecord withSasl(RejectRecord r, String sasl) {
        if (sasl == null || r.saslUser() != null) {
            return r;
        }
        return new RejectRecord(r.key(), r.at(), r.host(), r.client(), r.from(), r.to(), sasl, r.code(), r.response());
    }

    private void tellReject(RejectRecord r) {
        rejectsTold++;
        sink.reject(r);
    }

    /**
     * A reject record from the text after {@code reject: }: {@code RCPT from H[IP]: 550 5.1.1 <r>: TEXT; from=<s>
     * to=<r> proto=… helo=<h>} (smtpd, milter; postscreen separates the fields with commas) or {@code header NAME:
     * VALUE from H[IP]; from=<s> to=<r> proto=… helo=<h>: 5.7.1 TEXT} (cleanup).
     */
    private RejectRecord reject(LineParser.Line l, String t, String sasl, boolean smtpStage) {
        int f = t.lastIndexOf("; from=<");
        if (f < 0) {
            f = t.lastIndexOf("; to=<"); // VRFY
        }
        String head = f < 0 ? t : t.substring(0, f);
        Map<String, String> fields = f < 0 ? Map.of() : LineParser.fields(t, f + 2);
        String tail = null;
        int helo = f < 0 ? -1 : t.indexOf("helo=<", f);
        if (helo >= 0) {
            int he = LineParser.angleEnd(t, helo + 5);
            if (t.startsWith(": ", he)) {
                tail = t.substring(he + 2);
            }
        }
        String client = null;
        String msg;
        boolean header = t.startsWith("header ") || t.startsWith("body ");
        if (!header) {
            int from = head.indexOf(" from ");
            int rb = from < 0 ? -1 : head.indexOf(']', from);
            int colon = rb < 0 ? -1 : head.indexOf(": ", rb);
            if (colon >= 0) {
                client = head.substring(from + 6, colon);
                msg = head.substring(colon + 2);
            } else if (from < 0 && head.indexOf(": ") > 0) { // proxy-reject: END-OF-MESSAGE: 554 …
                msg = head.substring(head.indexOf(": ") + 2);
            } else {
                msg = tail != null ? tail : head;
            }
        } else {
            int from = head.lastIndexOf(" from ");
            client = from < 0 ? null : head.substring(from + 6);
            msg = tail != null ? tail : head;
        }
        String code = null;
        String response = msg;
        int i = 0;
        if (msg.length() >= 3 && Character.isDigit(msg.charAt(0)) && Character.isDigit(msg.charAt(1))
                && Character.isDigit(msg.charAt(2)) && (msg.length() == 3 || msg.charAt(3) == ' ' || msg.charAt(3) == '-')) {
            i = 4;
        }
        int dsnEnd = dsnEnd(msg, Math.min(i, msg.length()));
        if (dsnEnd > 0) {
            code = msg.substring(0, dsnEnd).trim();
            response = dsnEnd < msg.length() ? msg.substring(dsnEnd).trim() : "";
        } else if (i > 0) {
            code = msg.substring(0, 3);
            response = msg.substring(Math.min(4, msg.length()));
        }
        if (!smtpStage && tail == null && header) {
            response = head;
        }
        String stem = l.host() + "/" + l.time() + "/" + l.pid();
        if (stem.equals(lastRejectStem)) {
            rejectSeq++;
        } else {
            lastRejectStem = stem;
            rejectSeq = 0;
        }
        return new RejectRecord(stem + "/" + rejectSeq, l.time(), l.host(), client,
                LineParser.unbracket(fields.get("from")), LineParser.unbracket(fields.get("to")), sasl, code, response);
    }

    /** End of a {@code D.D.D} status at {@code i} (with its space), or -1. */
    private static int dsnEnd(String s, int i) {
        int n = s.length();
        if (i + 5 > n || "245".indexOf(s.charAt(i)) < 0 || s.charAt(i + 1) != '.') {
            return -1;
        }
        int j = i + 2;
        int dots = 0;
        int digits = 0;
        while (j < n && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.') && j - i < 9) {
            if (s.charAt(j) == '.') {
                dots++;
            } else {
                digits++;
            }
            j++;
        }
        if (dots != 1 || digits < 2 || (j < n && s.charAt(j) != ' ')) {
            return -1;
        }
        return j;
    }

    private static Long parseLong(String v) {
        if (v == null) {
            return null;
        }
        int e = 0;
        while (e < v.length() && e < 18 && Character.isDigit(v.charAt(e))) {
            e++;
        }
        return e == 0 ? null : Long.parseLong(v.substring(0, e));
    }

    private static Integer parseInt(String v) {
        Long x = parseLong(v);
        return x == null || x > Integer.MAX_VALUE ? null : x.intValue();
    }
}
