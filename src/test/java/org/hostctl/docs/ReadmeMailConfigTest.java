package org.hostctl.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostctl.it.DovecotFixture;
import org.hostctl.it.PostfixFixture;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The Dovecot and Postfix lines README gives providers are the ones the integration tests run with. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadmeMailConfigTest {
    static String readme() throws IOException {
        return Files.readString(Path.of(System.getProperty("hostctl.project.dir", ".")).resolve("README.md"));
    }

    @Test
    void readme_shows_the_dovecot_queries_the_tests_use() throws IOException {
        String readme = readme();
        String conf = DovecotFixture.sqlConf(DovecotFixture.Driver.SQLITE, "/var/lib/hostd/hostd.db",
                Path.of("/MAILROOT"));
        for (String line : conf.lines().toList()) {
            if (line.startsWith("password_query") || line.startsWith("user_query") || line.startsWith("iterate_query")
                    || line.startsWith("default_pass_scheme")) {
                assertThat(readme).as("README line %s", line).contains(line.replace("/MAILROOT/", "MAILROOT/"));
            }
        }
        assertThat(conf).contains("password_query");
    }

    @Test
    void readme_shows_the_postfix_lookups_the_tests_use() throws IOException {
        String readme = readme();
        for (PostfixFixture.Table t : PostfixFixture.Table.values()) {
            assertThat(readme).as(t.name()).contains("query = " + t.query());
        }
    }
}
