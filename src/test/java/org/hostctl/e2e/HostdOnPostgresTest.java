package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.it.PostgresFixture;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same hostd with its store on a private PostgreSQL instead of the embedded SQLite file. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HostdOnPostgresTest {
    @Test
    void hostctl_works_the_same_with_hostd_on_postgresql(@TempDir Path tmp) throws Exception {
        PostgresFixture pg = PostgresFixture.require();
        String url = pg.createDatabase("hostd_e2e");
        Path web = Files.createDirectories(tmp.resolve("web/public_html/app"));
        try (TestHostd hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + "database: \"" + url + "\"\n",
                Fixtures.CLOCK)) {
            hostd.addAccount("alice", tmp.resolve("web"), List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
            String token = hostd.token("alice", false);
            Hostctl h = new Hostctl(tmp.resolve("home"));

            HostctlRun login = h.runWithStdin(token + "\n", "auth", "login", "--api-url", hostd.url());
            assertThat(login.exitCode()).as(login.toString()).isZero();
            assertThat(h.run("php", "set", "8.3", "public_html/app").exitCode()).isZero();
            JsonNode shown = Json.mapper().readTree(h.run("php", "show", "public_html", "-r", "-o", "json").out());

            assertThat(shown.findValuesAsText("path")).containsExactly("public_html", "public_html/app");
            assertThat(shown.get(1).get("version").asText()).isEqualTo("8.3");
            assertThat(hostd.dataDir().resolve("hostd.db")).doesNotExist();
        }
        assertThat(web.resolve(".htaccess")).exists();
    }

    @Test
    void two_nodes_on_one_store_each_serve_their_own_socket_with_the_shared_unix_users(@TempDir Path tmp)
            throws Exception {
        PostgresFixture pg = PostgresFixture.require();
        String config = Fixtures.CONFIG + "database: \"" + pg.createDatabase("hostd_sockets") + "\"\n";
        Files.createDirectories(tmp.resolve("web/public_html"));
        String me = System.getProperty("user.name");
        try (TestHostd a = TestHostd.startWithSocket(tmp.resolve("a"), config, Fixtures.CLOCK,
                        tmp.resolve("a/run/api.sock"));
                TestHostd b = TestHostd.startWithSocket(tmp.resolve("b"), config, Fixtures.CLOCK,
                        tmp.resolve("b/run/api.sock"))) {
            a.addAccount("alice", tmp.resolve("web"), List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
            boolean root = me.equals("root");
            if (!root) {
                a.hostd().unixUsers().map("alice", me, false);
            }
            for (TestHostd node : List.of(a, b)) {
                assertThat(node.socket()).exists();
                org.hostctl.support.UnixHttp.Reply r = org.hostctl.support.UnixHttp.once(node.socket(), "GET", "/v1/me",
                        java.util.Map.of(), null);
                // the mapping made through node a holds on node b: it lives in the shared store
                assertThat(r.status()).as(r.body()).isEqualTo(root ? 401 : 200);
                assertThat(r.body()).contains(root ? "root is not a hosting account" : "\"account\":\"alice\"");
            }
            assertThat(a.socket()).isNotEqualTo(b.socket());
        }
    }
}
