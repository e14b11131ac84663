package org.hostctl.server.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Classifies driver errors of both dialects: SQLite result codes and PostgreSQL SQLSTATEs. */
final class SqlErrors {
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private SqlErrors() {}

    /** Unique or primary key violation. */
    static boolean isDuplicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLiteException se
                    && (se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                            || se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)) {
                return true;
            }
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Foreign key violation: the referenced row does not exist. */
    static boolean isMissingReference(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLiteException se
                    && se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY) {
                return true;
            }
            if ("23503".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Lock contention or an aborted transaction that is worth running again from the start. */
    static boolean isRetryable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLiteException
                    && (s.getErrorCode() == SQLITE_BUSY || s.getErrorCode() == SQLITE_LOCKED)) {
                return true;
            }
            String state = s.getSQLState();
            if ("40001".equals(state) || "40P01".equals(state)) {
                return true;
            }
        }
        return false;
    }
}
