package org.hostctl.server.store;

import java.sql.SQLException;

/** A function that may throw {@link SQLException}; the unit of work passed to {@link Database#tx}. */
@FunctionalInterface
public interface SqlFunction<A, R> {
    R apply(A argument) throws SQLException;
}
