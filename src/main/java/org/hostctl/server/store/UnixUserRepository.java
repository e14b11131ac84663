package org.hostctl.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which Unix user stands for which account on the local socket. */
public final class UnixUserRepository {
    private static final String SELECT = "SELECT name, account, read_only FROM unix_user";

    private final Database db;

    public UnixUserRepository(Database db) {
        this.db = db;
    }

    /**
     * Maps {@code name} to {@code account}, replacing the account's previous mapping in the same transaction.
     *
     * @throws DuplicateException if the Unix user is mapped to another account
     * @throws NotFoundException if there is no such account
     */
    public UnixUserRow put(String account, String name, boolean readOnly) {
        db.tx(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM unix_user WHERE account = ?");
                    PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO unix_user (name, account, read_only) VALUES (?, ?, ?)")) {
                del.setString(1, account);
                del.executeUpdate();
                ins.setString(1, name);
                ins.setString(2, account);
                ins.setInt(3, readOnly ? 1 : 0);
                return ins.executeUpdate();
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    throw new DuplicateException("Unix user '" + name + "' is mapped to another account", e);
                }
                if (SqlErrors.isMissingReference(e)) {
                    throw new NotFoundException("account '" + account + "' not found", e);
                }
                throw e;
            }
        });
        return new UnixUserRow(name, account, readOnly);
    }

    /** Removes the account's mapping; {@code false} if it had none. */
    public boolean removeForAccount(String account) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM unix_user WHERE account = ?")) {
                ps.setString(1, account);
                return ps.executeUpdate();
            }
        }) > 0;
    }

    public Optional<UnixUserRow> find(String name) {
        return one(SELECT + " WHERE name = ?", name);
    }

    public Optional<UnixUserRow> forAccount(String account) {
        return one(SELECT + " WHERE account = ?", account);
    }

    /** All mappings, ordered by account. */
    public List<UnixUserRow> list() {
        List<UnixUserRow> rows = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT)) {
                return read(ps);
            }
        });
        rows.sort(Comparator.comparing(UnixUserRow::account));
        return List.copyOf(rows);
    }

    private Optional<UnixUserRow> one(String sql, String value) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, value);
                return read(ps);
            }
        }).stream().findFirst();
    }

    private static List<UnixUserRow> read(PreparedStatement ps) throws SQLException {
        List<UnixUserRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new UnixUserRow(rs.getString(1), rs.getString(2), rs.getInt(3) != 0));
            }
        }
        return rows;
    }
}
