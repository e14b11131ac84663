package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresFixtureTest {

    @Test
    void the_cluster_listens_on_loopback_with_utf8_and_gives_fresh_databases() throws Exception {
        PostgresFixture pg = PostgresFixture.require();
        String url = pg.createDatabase("fixture_check");

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x TEXT)");
            assertThat(single(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(single(s, "SHOW server_encoding")).isEqualTo("UTF8");
            assertThat(single(s, "SELECT current_database()")).isEqualTo("fixture_check");
        }

        pg.createDatabase("fixture_check");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isEqualTo("0");
        }
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
