package org.hostctl.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repository tests share one migrated database per test class (creating and migrating a PostgreSQL database
 * for every test would dominate the run time) and start each test with empty tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RepositoryTestSupport extends StoreTestSupport {
    /** Child tables first. */
    private static final String[] TABLES = {"api_token", "docroot", "account"};

    Database db;

    @BeforeAll
    void openSharedDatabase(@TempDir Path classTempDir) {
        tempDir = classTempDir; // instance @TempDir fields are injected only before each test
        db = Database.open(newDatabaseUrl());
    }

    @AfterAll
    void closeSharedDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        db.tx(c -> {
            try (var s = c.createStatement()) {
                for (String table : TABLES) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            }
            return null;
        });
    }
}
