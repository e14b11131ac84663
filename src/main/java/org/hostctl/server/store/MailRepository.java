package org.hostctl.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Mail domains, mailboxes, aliases and autoresponders: the tables Dovecot and Postfix read. Values are
 * canonical (lower-case, ASCII) and validated by the caller. Lists are sorted in Java.
 */
public final class MailRepository {
    private static final String MAILBOX_COLUMNS =
            "email, domain, quota_bytes, active, maildir, display_name, created_at, deleted_at";

    private final Database db;

    public MailRepository(Database db) {
        this.db = db;
    }

    // ---- domains

    /**
     * @throws DuplicateException if the domain exists (for any account)
     * @throws NotFoundException if the account does not exist
     */
    public DomainRow addDomain(String name, String account, Instant createdAt) {
        Instant created = Timestamps.truncate(createdAt);
        db.tx(c -> {
            try {
                return update(c, "INSERT INTO domain (name, account, created_at) VALUES (?, ?, ?)", name, account,
                        Timestamps.format(created));
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    throw new DuplicateException("domain '" + name + "' already exists", e);
                }
                if (SqlErrors.isMissingReference(e)) {
                    throw new NotFoundException("account '" + account + "' not found", e);
                }
                throw e;
            }
        });
        return new DomainRow(name, account, created);
    }

    public Optional<DomainRow> domain(String name) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, account, created_at FROM domain WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new DomainRow(rs.getString(1), rs.getString(2),
                            Timestamps.parse(rs.getString(3)))) : Optional.<DomainRow>empty();
                }
            }
        });
    }

    /** The account's domains, sorted by name. */
    public List<DomainRow> domains(String account) {
        List<DomainRow> rows = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, account, created_at FROM domain WHERE account = ?")) {
                ps.setString(1, account);
                List<DomainRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DomainRow(rs.getString(1), rs.getString(2), Timestamps.parse(rs.getString(3))));
                    }
                }
                return out;
            }
        });
        rows.sort(Comparator.comparing(DomainRow::name));
        return List.copyOf(rows);
    }

    /** Removes a domain that has no mailboxes and no aliases left; {@code false} if it did not exist. */
    public boolean removeDomain(String name) {
        return db.tx(c -> {
            if (count(c, "SELECT COUNT(*) FROM mailbox WHERE domain = ?", name) > 0
                    || count(c, "SELECT COUNT(*) FROM alias WHERE domain = ?", name) > 0) {
                throw new InUseException("domain '" + name + "' still has mailboxes or aliases");
            }
            return update(c, "DELETE FROM domain WHERE name = ?", name);
        }) > 0;
    }

    /** Mailboxes (not deleted) and alias sources per domain of the account. */
    public Map<String, int[]> domainCounts(String account) {
        return db.withConnection(c -> {
            Map<String, int[]> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT d.name,"
                    + " (SELECT COUNT(*) FROM mailbox m WHERE m.domain = d.name AND m.deleted_at IS NULL),"
                    + " (SELECT COUNT(DISTINCT a.source) FROM alias a WHERE a.domain = d.name)"
                    + " FROM domain d WHERE d.account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3)});
                    }
                }
            }
            return out;
        });
    }

    // ---- mailboxes

    /**
     * @throws DuplicateException if the address exists, deleted or not
     */
    public MailboxRow createMailbox(MailboxRow row, String passwordHash) {
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO mailbox (email, domain, password,"
                    + " quota_bytes, active, maildir, display_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, row.email());
                ps.setString(2, row.domain());
                ps.setString(3, passwordHash);
                ps.setLong(4, row.quotaBytes());
                ps.setInt(5, row.active() ? 1 : 0);
                ps.setString(6, row.maildir());
                ps.setString(7, row.displayName());
                ps.setString(8, Timestamps.format(row.createdAt()));
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    throw new DuplicateException("mailbox '" + row.email() + "' already exists", e);
                }
                throw e;
            }
        });
        return new MailboxRow(row.email(), row.domain(), row.quotaBytes(), row.active(), row.maildir(),
                row.displayName(), Timestamps.truncate(row.createdAt()), null);
    }

    public Optional<MailboxRow> mailbox(String email) {
        List<MailboxRow> rows = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE email = ?")) {
                ps.setString(1, email);
                return readMailboxes(ps);
            }
        });
        return rows.stream().findFirst();
    }

    /** Mailboxes of the given domains (deleted ones included), sorted by address. */
    public List<MailboxRow> mailboxes(List<String> domains) {
        List<MailboxRow> out = new ArrayList<>();
        for (String d : domains) {
            out.addAll(db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE domain = ?")) {
                    ps.setString(1, d);
                    return readMailboxes(ps);
                }
            }));
        }
        out.sort(Comparator.comparing(MailboxRow::email));
        return List.copyOf(out);
    }

    public boolean setPassword(String email, String passwordHash) {
        return db.tx(c -> update(c, "UPDATE mailbox SET password = ? WHERE email = ? AND deleted_at IS NULL",
                passwordHash, email)) > 0;
    }

    public boolean setQuota(String email, long quotaBytes) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mailbox SET quota_bytes = ? WHERE email = ? AND deleted_at IS NULL")) {
                ps.setLong(1, quotaBytes);
                ps.setString(2, email);
                return ps.executeUpdate();
            }
        }) > 0;
    }

    public boolean setName(String email, String displayName) {
        return db.tx(c -> update(c, "UPDATE mailbox SET display_name = ? WHERE email = ? AND deleted_at IS NULL",
                displayName, email)) > 0;
    }

    public boolean setActive(String email, boolean active) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mailbox SET active = ? WHERE email = ? AND deleted_at IS NULL")) {
                ps.setInt(1, active ? 1 : 0);
                ps.setString(2, email);
                return ps.executeUpdate();
            }
        }) > 0;
    }

    /** Marks a mailbox deleted (it can no longer log in nor receive mail); {@code null} restores it. */
    public boolean setDeleted(String email, Instant deletedAt) {
        String sql = deletedAt == null ? "UPDATE mailbox SET deleted_at = NULL WHERE email = ? AND deleted_at IS NOT NULL"
                : "UPDATE mailbox SET deleted_at = ? WHERE email = ? AND deleted_at IS NULL";
        return db.tx(c -> deletedAt == null ? update(c, sql, email)
                : update(c, sql, Timestamps.format(deletedAt), email)) > 0;
    }

    /** Mailboxes deleted before {@code cutoff}. */
    public List<MailboxRow> deletedBefore(Instant cutoff) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MAILBOX_COLUMNS
                    + " FROM mailbox WHERE deleted_at IS NOT NULL AND deleted_at < ?")) {
                ps.setString(1, Timestamps.format(cutoff));
                return readMailboxes(ps);
            }
        });
    }

    /** Removes a deleted mailbox row for good (with its autoresponder). */
    public boolean purge(String email) {
        return db.tx(c -> {
            update(c, "DELETE FROM autoreply WHERE email = ?", email);
            return update(c, "DELETE FROM mailbox WHERE email = ? AND deleted_at IS NOT NULL", email);
        }) > 0;
    }

    // ---- aliases

    /** Every alias of the given domains, sources sorted, destinations sorted. */
    public Map<String, List<String>> aliases(List<String> domains) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String d : domains) {
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT source, destination FROM alias WHERE domain = ?")) {
                    ps.setString(1, d);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                        }
                    }
                }
                return null;
            });
        }
        out.values().forEach(l -> l.sort(Comparator.naturalOrder()));
        return out;
    }

    /** All destinations of every alias (any account), for loop checks. */
    public Map<String, List<String>> allAliases() {
        return db.withConnection(c -> {
            Map<String, List<String>> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source, destination FROM alias");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Adds destinations to an alias; existing ones are kept. Returns how many were new. */
    public int addAlias(String source, String domain, List<String> destinations, Instant now) {
        return db.tx(c -> {
            int added = 0;
            for (String dest : destinations) {
                if (count(c, "SELECT COUNT(*) FROM alias WHERE source = ? AND destination = ?", source, dest) == 0) {
                    added += update(c, "INSERT INTO alias (source, destination, domain, created_at) VALUES (?, ?, ?, ?)",
                            source, dest, domain, Timestamps.format(now));
                }
            }
            return added;
        });
    }

    /** Removes the given destinations, or the whole alias when {@code destinations} is empty. */
    public int removeAlias(String source, List<String> destinations) {
        return db.tx(c -> {
            if (destinations.isEmpty()) {
                return update(c, "DELETE FROM alias WHERE source = ?", source);
            }
            int removed = 0;
            for (String dest : destinations) {
                removed += update(c, "DELETE FROM alias WHERE source = ? AND destination = ?", source, dest);
            }
            return removed;
        });
    }

    // ---- autoresponders

    public Optional<AutoreplyRow> autoreply(String email) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT email, subject, body, start_date, end_date,"
                    + " interval_days, updated_at FROM autoreply WHERE email = ?")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<AutoreplyRow>empty();
                    }
                    return Optional.of(new AutoreplyRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            date(rs.getString(4)), date(rs.getString(5)), rs.getInt(6),
                            Timestamps.parse(rs.getString(7))));
                }
            }
        });
    }

    public void setAutoreply(AutoreplyRow row) {
        db.tx(c -> {
            update(c, "DELETE FROM autoreply WHERE email = ?", row.email());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO autoreply (email, subject, body, start_date,"
                    + " end_date, interval_days, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, row.email());
                ps.setString(2, row.subject());
                ps.setString(3, row.body());
                ps.setString(4, row.startDate() == null ? null : row.startDate().toString());
                ps.setString(5, row.endDate() == null ? null : row.endDate().toString());
                ps.setInt(6, row.intervalDays());
                ps.setString(7, Timestamps.format(row.updatedAt()));
                return ps.executeUpdate();
            }
        });
    }

    public boolean removeAutoreply(String email) {
        return db.tx(c -> update(c, "DELETE FROM autoreply WHERE email = ?", email)) > 0;
    }

    // ---- helpers

    private static LocalDate date(String s) {
        return s == null ? null : LocalDate.parse(s);
    }

    private static int update(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static long count(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<MailboxRow> readMailboxes(PreparedStatement ps) throws SQLException {
        List<MailboxRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new MailboxRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) == 1,
                        rs.getString(5), rs.getString(6), Timestamps.parse(rs.getString(7)),
                        Timestamps.parse(rs.getString(8))));
            }
        }
        return out;
    }
}
