package org.hostctl.server.service;

import org.hostctl.server.text.Escape;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hostctl.api.Addresses;
import org.hostctl.api.MailAttempt;
import org.hostctl.api.MailLogBucket;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailHop;
import org.hostctl.api.MailLogStats;
import org.hostctl.api.MailMessage;
import org.hostctl.api.MailNotification;
import org.hostctl.api.MailRecipient;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.server.store.MailLogTrails;
import org.hostctl.server.store.MailLogRepository.Direction;
import org.hostctl.server.store.MailLogRepository.Position;
import org.hostctl.server.store.MailLogRepository.Query;
import org.hostctl.server.store.MailLogRepository.StoredMessage;
import org.hostctl.server.store.MailLogRepository.StoredRecipient;
import org.hostctl.server.store.MailLogRepository.StoredReject;

/**
 * An account's send log: what it sent (every recipient) and what it received (its own recipients only).
 * Another account's entries, and another account's recipients of a shared message, are answered as if they did
 * not exist (security checklist item 25).
 */
public final class MailLogService {
    /** Largest page. */
    public static final int MAX_LIMIT = 500;
    /** Page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;
    /** Longest time range of a query. */
    public static final Duration MAX_RANGE = Duration.ofDays(366);
    /** Most buckets of one statistics answer. */
    public static final int MAX_BUCKETS = 744;
    /** Unparsed lines kept at most. */
    public static final int MAX_UNPARSED = 10_000;

    private static final Pattern QUEUE_ID = Pattern.compile("[0-9A-Za-z]{5,32}");
    private static final Pattern PUBLIC_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Set<String> STATUSES = Set.of("sent", "deferred", "bounced", "rejected", "expired");

    private final MailLogRepository log;
    private final Duration retention;
    private final Clock clock;

    public MailLogService(MailLogRepository log, Duration retention, Clock clock) {
        this.log = log;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * The filters of a list call, as the client sent them (null: not given).
     *
     * @param from sender address or domain
     * @param to recipient address or domain
     * @param since RFC 3339
     * @param until RFC 3339
     * @param status sent, deferred, bounced, rejected or expired
     * @param messageId Message-ID, with or without angle brackets
     * @param queueId Postfix queue ID
     * @param direction in or out
     * @param limit page size, 1 to {@value #MAX_LIMIT}
     * @param cursor {@code nextCursor} of the previous page
     */
    public record Filter(String from, String to, String since, String until, String status, String messageId,
            String queueId, String direction, String limit, String cursor) {}

    // ------------------------------------------------------------------ list

    public MailLogPage list(Principal p, Filter f) {
        Direction direction = direction(f.direction());
        Instant since = time("since", f.since());
        Instant until = time("until", f.until());
        checkRange(since, until);
        String[] from = addressOrDomain("from", f.from());
        String[] to = addressOrDomain("to", f.to());
        String status = blank(f.status()) ? null : f.status().strip();
        if (status != null && !STATUSES.contains(status)) {
            throw ServiceException.invalid("status must be one of sent, deferred, bounced, rejected, expired");
        }
        List<String> messageIds = blank(f.messageId()) ? null : messageIds(f.messageId());
        String queueId = blank(f.queueId()) ? null : queueId(f.queueId());
        int limit = limit(f.limit());
        Position after = blank(f.cursor()) ? null : decodeCursor(f.cursor());
        Query q = new Query(p.account(), direction, from[0], from[1], to[0], to[1], since, until, status, messageIds,
                queueId);
        List<MailLogRepository.Row> rows = log.page(q, after, limit + 1);
        List<MailMessage> items = new ArrayList<>();
        for (MailLogRepository.Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(row.message() != null
                    ? view(p.account(), direction, MailLogTrails.single(row.message()), false)
                    : view(p.account(), direction, row.reject()));
        }
        String next = rows.size() > limit ? encodeCursor(rows.get(limit - 1).position()) : null;
        return new MailLogPage(items, next);
    }

    // ------------------------------------------------------------------ detail

    /** One message or reject by public id, queue ID or Message-ID, with its whole trail. */
    public MailMessage show(Principal p, String id) {
        String raw = id == null ? "" : id.strip();
        if (raw.isEmpty() || raw.length() > 998 || hasControl(raw)) {
            throw ServiceException.notFound("no such entry in your send log");
        }
        String queueId = QUEUE_ID.matcher(raw).matches() ? raw : null;
        String publicId = PUBLIC_ID.matcher(raw).matches() ? raw : null;
        List<String> messageIds = raw.contains("@") || raw.startsWith("<") ? messageIds(raw) : null;
        // one query finds the entry and decides whether this account may see it: another account's entry and a
        // missing one take the same path (security checklist item 25)
        Optional<Position> pos = log.find(p.account(), publicId, queueId, messageIds);
        if (pos.isPresent() && pos.get().kind().equals(MailLogRepository.REJECT)) {
            Optional<StoredReject> r = log.reject(pos.get().key());
            if (r.isPresent() && visible(p.account(), r.get())) {
                return view(p.account(), Direction.ANY, r.get());
            }
        } else if (pos.isPresent()) {
            Optional<MailLogTrails.Trail> t = log.trail(pos.get().key());
            if (t.isPresent() && visible(p.account(), t.get())) {
                return view(p.account(), Direction.ANY, t.get(), true);
            }
        }
        throw ServiceException.notFound("no entry " + printable(raw) + " in your send log");
    }

    // ------------------------------------------------------------------ statistics

    /** Recipients by state per hour or day; {@code by} defaults to hours up to two days, else days. */
    public MailLogStats stats(Principal p, String sinceRaw, String untilRaw, String byRaw, String directionRaw) {
        Direction direction = direction(directionRaw);
        Instant now = clock.instant();
        Instant until = Optional.ofNullable(time("until", untilRaw)).orElse(now);
        Instant since = Optional.ofNullable(time("since", sinceRaw)).orElse(until.minus(Duration.ofDays(7)));
        checkRange(since, until);
        String by = blank(byRaw) ? (Duration.between(since, until).compareTo(Duration.ofDays(2)) <= 0 ? "hour" : "day")
                : byRaw.strip();
        ChronoUnit unit = switch (by) {
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            default -> throw ServiceException.invalid("by must be hour or day");
        };
        Instant start = since.truncatedTo(unit);
        long buckets = (Duration.between(start, until).toSeconds() + unit.getDuration().toSeconds() - 1)
                / unit.getDuration().toSeconds();
        if (buckets > MAX_BUCKETS) {
            throw ServiceException.invalid("that is " + buckets + " buckets; ask for at most " + MAX_BUCKETS
                    + " (a shorter range, or by=day)");
        }
        Instant end = start.plus(Math.max(buckets, 1), unit);
        int prefix = unit == ChronoUnit.HOURS ? 13 : 10;
        Map<String, Map<String, Long>> counts = log.counts(new Query(p.account(), direction, null, null, null, null,
                start, end, null, null, null), prefix);
        List<MailLogBucket> out = new ArrayList<>();
        for (Instant b = start; b.isBefore(end); b = b.plus(1, unit)) {
            Map<String, Long> c = counts.getOrDefault(b.toString().substring(0, prefix), Map.of());
            out.add(new MailLogBucket(b, c.getOrDefault("sent", 0L),
                    c.getOrDefault("deferred", 0L) + c.getOrDefault("pending", 0L), c.getOrDefault("bounced", 0L),
                    c.getOrDefault("rejected", 0L), c.getOrDefault("expired", 0L)));
        }
        return new MailLogStats(start, end, by, out);
    }

    // ------------------------------------------------------------------ retention

    /** Deletes what is older than the retention period; returns the number of messages and rejects removed. */
    public int purge() {
        return log.purge(clock.instant().minus(retention), MAX_UNPARSED);
    }

    // ------------------------------------------------------------------ views

    private static boolean visible(String account, MailLogTrails.Trail t) {
        return account.equals(t.root().account())
                || t.recipients().stream().anyMatch(r -> account.equals(r.recipient().account()));
    }

    private static boolean visible(String account, StoredReject r) {
        return account.equals(r.outAccount()) || account.equals(r.inAccount());
    }

    private MailMessage view(String account, Direction direction, MailLogTrails.Trail t, boolean detail) {
        StoredMessage m = t.root();
        boolean sender = direction != Direction.IN && account.equals(m.account());
        List<MailRecipient> recipients = t.recipients().stream()
                .filter(r -> sender || account.equals(r.recipient().account()))
                .map(r -> recipient(r.recipient(), detail, r.attemptHosts(), m.host())).toList();
        List<MailNotification> notifications = null;
        if (detail && sender) {
            notifications = log.children(m.key()).stream().map(c -> new MailNotification(c.notificationKind(),
                    c.queueIds(), c.receivedAt(), status(c.recipients().stream().map(StoredRecipient::status).toList()),
                    c.recipients().stream().map(r -> recipient(r, true, null, c.host())).toList())).toList();
        }
        List<MailHop> hops = null;
        if (detail && !t.hops().isEmpty()) {
            hops = new ArrayList<>();
            hops.add(new MailHop(m.host(), m.queueIds(), m.receivedAt(), m.removedAt()));
            for (StoredMessage h : t.hops()) {
                hops.add(new MailHop(h.host(), h.queueIds(), h.receivedAt(), h.removedAt()));
            }
        }
        // a receiving account learns neither who logged in to send it nor, for another customer's mail, from where
        String client = sender || m.account() == null ? m.client() : null;
        return new MailMessage(MailMessage.MESSAGE, m.id(), sender ? "out" : "in",
                status(recipients.stream().map(MailRecipient::status).toList()), m.receivedAt(), m.queueIds(),
                m.messageId(), m.sender() == null ? "" : m.sender(), sender ? m.saslUser() : null, client, m.size(),
                sender ? m.nrcpt() : null, m.removedAt(), recipients, notifications, m.host(), hops);
    }

    private static MailMessage view(String account, Direction direction, StoredReject r) {
        boolean sender = direction != Direction.IN && account.equals(r.outAccount());
        MailRecipient to = new MailRecipient(r.to() == null ? "" : r.to(), null, "rejected", r.code(), null,
                r.response(), r.at(), null);
        return new MailMessage(MailMessage.REJECT, r.id(), sender ? "out" : "in", "rejected", r.at(), List.of(), null,
                r.from() == null ? "" : r.from(), sender ? r.saslUser() : null, r.client(), null, null, null,
                List.of(to), null, r.host(), null);
    }

    /** {@code hosts}: the host of each attempt, null when all are {@code host}'s. */
    private static MailRecipient recipient(StoredRecipient r, boolean detail, List<String> hosts, String host) {
        List<MailAttempt> attempts = null;
        if (detail && r.attempts() != null) {
            attempts = new ArrayList<>(r.attempts().size());
            for (int i = 0; i < r.attempts().size(); i++) {
                var a = r.attempts().get(i);
                attempts.add(new MailAttempt(a.at(), a.status(), a.dsn(), a.relay(), a.delay(), a.response(),
                        hosts != null && i < hosts.size() ? hosts.get(i) : host));
            }
        }
        return new MailRecipient(r.address(), r.origTo(), r.status(), r.dsn(), r.relay(), r.response(),
                r.lastAttemptAt(), attempts);
    }

    /** Summary of recipient states: anything still queued wins, then failures, then delivery. */
    static String status(List<String> states) {
        for (String s : List.of("deferred", "pending", "bounced", "expired", "sent")) {
            if (states.contains(s)) {
                return s;
            }
        }
        return "pending";
    }

    // ------------------------------------------------------------------ input

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Direction direction(String raw) {
        if (blank(raw)) {
            return Direction.ANY;
        }
        return switch (raw.strip()) {
            case "in" -> Direction.IN;
            case "out" -> Direction.OUT;
            default -> throw ServiceException.invalid("direction must be in or out");
        };
    }

    private static Instant time(String name, String raw) {
        if (blank(raw)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.strip()).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw ServiceException.invalid(name + " must be an RFC 3339 date-time, e.g. 2026-11-28T10:00:00Z");
        }
    }

    private static void checkRange(Instant since, Instant until) {
        if (since != null && until != null && !since.isBefore(until)) {
            throw ServiceException.invalid("since must be before until");
        }
        if (since != null && until != null && Duration.between(since, until).compareTo(MAX_RANGE) > 0) {
            throw ServiceException.invalid("the range is longer than " + MAX_RANGE.toDays() + " days");
        }
    }

    /** {address, domain}: one of them set, or both null. */
    private static String[] addressOrDomain(String name, String raw) {
        if (blank(raw)) {
            return new String[2];
        }
        try {
            return raw.contains("@") ? new String[] {Addresses.logged(raw).toString(), null}
                    : new String[] {null, Addresses.domain(raw)};
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid(name + ": " + e.getMessage() + " (give an address or a domain)");
        }
    }

    private static List<String> messageIds(String raw) {
        String s = raw.strip();
        if (s.length() > 998 || hasControl(s) || s.contains(" ")) {
            throw ServiceException.invalid("messageId is not a Message-ID");
        }
        String bare = s.startsWith("<") && s.endsWith(">") && s.length() > 2 ? s.substring(1, s.length() - 1) : s;
        Set<String> forms = new LinkedHashSet<>(List.of(bare, "<" + bare + ">"));
        return List.copyOf(forms);
    }

    private static String queueId(String raw) {
        String s = raw.strip();
        if (!QUEUE_ID.matcher(s).matches()) {
            throw ServiceException.invalid("queueId must be 5 to 32 letters and digits");
        }
        return s;
    }

    private static int limit(String raw) {
        if (blank(raw)) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ServiceException.invalid("limit must be a number from 1 to " + MAX_LIMIT);
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String printable(String s) {
        return Escape.line(s);
    }

    // ------------------------------------------------------------------ cursor

    static String encodeCursor(Position p) {
        String raw = "1\n" + p.at() + "\n" + p.kind() + "\n" + p.key();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Position decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", 4);
            if (parts.length == 4 && parts[0].equals("1")
                    && (parts[2].equals(MailLogRepository.MESSAGE) || parts[2].equals(MailLogRepository.REJECT))) {
                return new Position(Instant.parse(parts[1]), parts[2], parts[3]);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // below
        }
        throw ServiceException.invalid("cursor is not one this server handed out");
    }
}
