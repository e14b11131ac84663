package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.hostctl.it.PostgresFixture;
import org.hostctl.server.store.Database;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trivial query on hostd's database, SQLite and PostgreSQL; a closed pool is down and named by class only. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StoreProbeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration SLOW = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void sqlite_answers() {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hostd.db"))) {
            ProbeResult r = new StoreProbe(db).run(TIMEOUT, SLOW);
            assertThat(r.state()).isEqualTo(State.OK);
            assertThat(r.detail()).matches("query in \\d+ ms");
        }
    }

    @Test
    void a_closed_database_is_down_without_its_url() {
        Database db = Database.open("jdbc:sqlite:" + dir.resolve("hostd.db"));
        db.close();
        ProbeResult r = new StoreProbe(db).run(TIMEOUT, SLOW);
        GreetingProbeTest.assertClean(r);
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("query failed: SQLException").doesNotContain("jdbc", dir.toString());
    }

    @Test
    void postgresql_answers_and_is_down_when_closed() {
        String url = PostgresFixture.require().createDatabase("status_probe");
        Database db = Database.open(url);
        try {
            ProbeResult r = new StoreProbe(db).run(TIMEOUT, SLOW);
            assertThat(r.state()).isEqualTo(State.OK);
            assertThat(r.detail()).matches("query in \\d+ ms");
        } finally {
            db.close();
        }
        ProbeResult r = new StoreProbe(db).run(TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("query failed: SQLException").doesNotContain("jdbc", "postgres");
    }

    @Test
    void ping_takes_a_sub_second_timeout_as_one_second() {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hostd.db"))) {
            db.ping(Duration.ofMillis(10));
        }
    }
}
