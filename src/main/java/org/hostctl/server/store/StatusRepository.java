package org.hostctl.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Health checks' current states, their state changes and the provider's notices. */
public final class StatusRepository {
    private final Database db;

    public StatusRepository(Database db) {
        this.db = db;
    }

    /** The current state of one check as one hostd ({@code node}) sees it. */
    public record CheckRow(String node, String id, String state, Instant since, String detail, Instant checkedAt) {}

    /** One state change of a check. */
    public record EventRow(String checkId, Instant at, String state, String detail) {}

    /** One notice. */
    public record NoticeRow(long id, String service, String backend, String title, String body, Instant createdAt,
            Instant updatedAt, Instant resolvedAt) {}

    /** Every check's last recorded state, of every node. */
    public List<CheckRow> checks() {
        return db.withConnection(c -> {
            List<CheckRow> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT node, id, state, since, detail, checked_at FROM status_check ORDER BY node, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new CheckRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            Timestamps.parse(rs.getString(4)), rs.getString(5), Timestamps.parse(rs.getString(6))));
                }
            }
            return rows;
        });
    }

    /**
     * Saves a probe's outcome: the check's row, and an event when the state changed ({@code changed}).
     * A second writer recording the same change in the same second is ignored.
     */
    public void record(CheckRow row, boolean changed) {
        db.tx(c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE status_check SET state = ?, since = ?, detail = ?,"
                    + " checked_at = ? WHERE node = ? AND id = ?")) {
                up.setString(1, row.state());
                up.setString(2, Timestamps.format(row.since()));
                up.setString(3, row.detail());
                up.setString(4, Timestamps.format(row.checkedAt()));
                up.setString(5, row.node());
                up.setString(6, row.id());
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement("INSERT INTO status_check (node, id, state, since,"
                            + " detail, checked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        in.setString(1, row.node());
                        in.setString(2, row.id());
                        in.setString(3, row.state());
                        in.setString(4, Timestamps.format(row.since()));
                        in.setString(5, row.detail());
                        in.setString(6, Timestamps.format(row.checkedAt()));
                        in.executeUpdate();
                    }
                }
            }
            if (changed) {
                try (PreparedStatement ev = c.prepareStatement("INSERT INTO status_event (node, check_id, at, state,"
                        + " detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    ev.setString(1, row.node());
                    ev.setString(2, row.id());
                    ev.setString(3, Timestamps.format(row.since()));
                    ev.setString(4, row.state());
                    ev.setString(5, row.detail());
                    ev.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * The state changes one node recorded of the given checks from {@code since} on, oldest first, each check
     * preceded by its last change before {@code since} (the state it was in when the range began), if still kept.
     */
    public List<EventRow> events(String node, Collection<String> checkIds, Instant since) {
        if (checkIds.isEmpty()) {
            return List.of();
        }
        return db.withConnection(c -> {
            List<EventRow> rows = new ArrayList<>();
            for (String id : checkIds) {
                try (PreparedStatement ps = c.prepareStatement("SELECT check_id, at, state, detail FROM status_event"
                        + " WHERE node = ? AND check_id = ? AND at < ? ORDER BY at DESC LIMIT 1")) {
                    ps.setString(1, node);
                    ps.setString(2, id);
                    ps.setString(3, Timestamps.format(since));
                    readEvents(ps, rows);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT check_id, at, state, detail FROM status_event"
                        + " WHERE node = ? AND check_id = ? AND at >= ? ORDER BY at")) {
                    ps.setString(1, node);
                    ps.setString(2, id);
                    ps.setString(3, Timestamps.format(since));
                    readEvents(ps, rows);
                }
            }
            return rows;
        });
    }

    private static void readEvents(PreparedStatement ps, List<EventRow> rows) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new EventRow(rs.getString(1), Timestamps.parse(rs.getString(2)), rs.getString(3),
                        rs.getString(4)));
            }
        }
    }

    /** Deletes state changes and resolved notices older than {@code cutoff}; the number of rows deleted. */
    public int purge(Instant cutoff) {
        return db.tx(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM status_event WHERE at < ?")) {
                ps.setString(1, Timestamps.format(cutoff));
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notice WHERE resolved_at IS NOT NULL"
                    + " AND resolved_at < ?")) {
                ps.setString(1, Timestamps.format(cutoff));
                n += ps.executeUpdate();
            }
            return n;
        });
    }

    /** Adds a notice with the next free number. */
    public NoticeRow addNotice(String service, String backend, String title, String body, Instant createdAt) {
        Instant created = Timestamps.truncate(createdAt);
        long id = db.tx(c -> {
            long next;
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM notice");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice (id, service, backend, title, body,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, next);
                ps.setString(2, service);
                ps.setString(3, backend);
                ps.setString(4, title);
                ps.setString(5, body);
                ps.setString(6, Timestamps.format(created));
                ps.executeUpdate();
            }
            return next;
        });
        return new NoticeRow(id, service, backend, title, body, created, null, null);
    }

    /** Replaces a notice's title and text; false when there is no such notice. */
    public boolean updateNotice(long id, String title, String body, Instant at) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notice SET title = ?, body = ?, updated_at = ?"
                    + " WHERE id = ?")) {
                ps.setString(1, title);
                ps.setString(2, body);
                ps.setString(3, Timestamps.format(at));
                ps.setLong(4, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Marks a notice resolved; false when there is no such notice or it was resolved already. */
    public boolean resolveNotice(long id, Instant at) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notice SET resolved_at = ? WHERE id = ?"
                    + " AND resolved_at IS NULL")) {
                ps.setString(1, Timestamps.format(at));
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public Optional<NoticeRow> notice(long id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(NOTICE_COLUMNS + " WHERE id = ?")) {
                ps.setLong(1, id);
                List<NoticeRow> rows = readNotices(ps);
                return rows.isEmpty() ? Optional.<NoticeRow>empty() : Optional.of(rows.get(0));
            }
        });
    }

    /** Notices open at some time from {@code since} on (all open ones when null), newest first. */
    public List<NoticeRow> notices(Instant since) {
        return db.withConnection(c -> {
            String sql = NOTICE_COLUMNS + (since == null ? " WHERE resolved_at IS NULL"
                    : " WHERE resolved_at IS NULL OR resolved_at >= ?") + " ORDER BY created_at DESC, id DESC";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (since != null) {
                    ps.setString(1, Timestamps.format(since));
                }
                return readNotices(ps);
            }
        });
    }

    private static final String NOTICE_COLUMNS =
            "SELECT id, service, backend, title, body, created_at, updated_at, resolved_at FROM notice";

    private static List<NoticeRow> readNotices(PreparedStatement ps) throws SQLException {
        List<NoticeRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new NoticeRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Timestamps.parse(rs.getString(6)), Timestamps.parse(rs.getString(7)),
                        Timestamps.parse(rs.getString(8))));
            }
        }
        return rows;
    }
}
