package org.hostctl.server.store;

/** The SQL databases hostd can keep its state in. */
public enum Dialect {
    SQLITE,
    POSTGRESQL;

    static Dialect ofJdbcUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException(
                "unsupported JDBC URL (expected jdbc:sqlite:FILE or jdbc:postgresql://...): "
                        + Database.redact(jdbcUrl));
    }
}
