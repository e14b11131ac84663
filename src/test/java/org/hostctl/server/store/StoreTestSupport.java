package org.hostctl.server.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hostctl.it.PostgresFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the store tests. Each test class keeps its cases in an abstract class extending this one and runs them
 * in two {@code @Nested} subclasses, one per dialect, that only say where a fresh database comes from.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
abstract class StoreTestSupport {
    @TempDir
    Path tempDir;

    private final List<Database> opened = new ArrayList<>();

    /** JDBC URL of a new, empty database of the dialect under test. */
    abstract String newDatabaseUrl();

    /** Opens (and migrates) {@code jdbcUrl}; closed after the test. */
    Database open(String jdbcUrl) {
        Database db = Database.open(jdbcUrl);
        opened.add(db);
        return db;
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(Database::close);
    }

    String newSqliteUrl() {
        return "jdbc:sqlite:" + tempDir.resolve("hostd-" + opened.size() + "-" + shortId() + ".db");
    }

    static String newPostgresUrl() {
        return PostgresFixture.require().createDatabase("store_" + shortId());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
