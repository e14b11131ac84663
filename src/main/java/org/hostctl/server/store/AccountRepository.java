package org.hostctl.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Accounts and their document roots. Names and paths are validated by the caller; the schema only rejects
 * what is plainly malformed. Lists are sorted in Java so both dialects return the same order.
 */
public final class AccountRepository {
    private static final String SELECT_WITH_DOCROOTS =
            "SELECT a.name, a.webspace, a.php_default, a.created_at, d.path, d.url"
                    + " FROM account a LEFT JOIN docroot d ON d.account = a.name";

    private final Database db;

    public AccountRepository(Database db) {
        this.db = db;
    }

    /**
     * @throws DuplicateException if an account with this name exists
     */
    public Account create(String name, String webspace, String phpDefault, Instant createdAt) {
        Instant created = Timestamps.truncate(createdAt);
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO account (name, webspace, php_default, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, webspace);
                ps.setString(3, phpDefault);
                ps.setString(4, Timestamps.format(created));
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    throw new DuplicateException("account '" + name + "' already exists", e);
                }
                throw e;
            }
        });
        return new Account(name, webspace, phpDefault, created, List.of());
    }

    public Optional<Account> find(String name) {
        List<Account> found = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_WITH_DOCROOTS + " WHERE a.name = ?")) {
                ps.setString(1, name);
                return readAccounts(ps);
            }
        });
        return found.stream().findFirst();
    }

    /** All accounts with their docroots, ordered by name. */
    public List<Account> list() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_WITH_DOCROOTS)) {
                return readAccounts(ps);
            }
        });
    }

    /** Deletes the account with its docroots and tokens; {@code false} if there was no such account. */
    public boolean delete(String name) {
        return db.tx(c -> update(c, "DELETE FROM account WHERE name = ?", name)) > 0;
    }

    /** Sets ({@code null}: clears) the account's default PHP version; {@code false} if there is no such account. */
    public boolean setPhpDefault(String name, String phpDefault) {
        return db.tx(c -> update(c, "UPDATE account SET php_default = ? WHERE name = ?", phpDefault, name)) > 0;
    }

    /**
     * @throws NotFoundException  if there is no such account
     * @throws DuplicateException if the account already has a docroot with this path
     */
    public Docroot addDocroot(String account, Docroot docroot) {
        db.tx(c -> {
            try {
                return update(c, "INSERT INTO docroot (account, path, url) VALUES (?, ?, ?)",
                        account, docroot.path(), docroot.url());
            } catch (SQLException e) {
                if (SqlErrors.isDuplicate(e)) {
                    throw new DuplicateException(
                            "docroot '" + docroot.path() + "' of account '" + account + "' already exists", e);
                }
                if (SqlErrors.isMissingReference(e)) {
                    throw new NotFoundException("account '" + account + "' not found", e);
                }
                throw e;
            }
        });
        return docroot;
    }

    /** The account's docroots ordered by path; empty if there is no such account. */
    public List<Docroot> docroots(String account) {
        List<Docroot> docroots = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT path, url FROM docroot WHERE account = ?")) {
                ps.setString(1, account);
                List<Docroot> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Docroot(rs.getString(1), rs.getString(2)));
                    }
                }
                return rows;
            }
        });
        docroots.sort(Comparator.comparing(Docroot::path));
        return List.copyOf(docroots);
    }

    /** {@code false} if the account has no docroot with this path. */
    public boolean removeDocroot(String account, String path) {
        return db.tx(c -> update(c, "DELETE FROM docroot WHERE account = ? AND path = ?", account, path)) > 0;
    }

    private static int update(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static List<Account> readAccounts(PreparedStatement ps) throws SQLException {
        Map<String, Row> rows = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Row row = rows.computeIfAbsent(rs.getString(1), name -> new Row());
                row.name = rs.getString(1);
                row.webspace = rs.getString(2);
                row.phpDefault = rs.getString(3);
                row.createdAt = rs.getString(4);
                String path = rs.getString(5);
                if (path != null) {
                    row.docroots.add(new Docroot(path, rs.getString(6)));
                }
            }
        }
        List<Account> accounts = new ArrayList<>(rows.size());
        for (Row row : rows.values()) {
            row.docroots.sort(Comparator.comparing(Docroot::path));
            accounts.add(new Account(
                    row.name, row.webspace, row.phpDefault, Timestamps.parse(row.createdAt), row.docroots));
        }
        return accounts;
    }

    private static final class Row {
        String name;
        String webspace;
        String phpDefault;
        String createdAt;
        final List<Docroot> docroots = new ArrayList<>();
    }
}
