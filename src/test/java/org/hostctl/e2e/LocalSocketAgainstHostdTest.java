package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostctl in-process against a real hostd over its local socket, as the user running the tests: the socket is used
 * by {@code --api-url unix:PATH} and found by itself when nothing else is set; no token is sent on it. As root
 * (CI) the socket refuses the caller, since root is no account; other Unix users are in
 * {@code org.hostctl.it.LocalSocketUsersTest}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalSocketAgainstHostdTest {
    private static final String ME = System.getProperty("user.name");
    private static final boolean ROOT = ME.equals("root");

    TestHostd hostd;
    Path socket;
    Path web;
    String bobToken;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        socket = tmp.resolve("run/api.sock");
        hostd = TestHostd.startWithSocket(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK, socket);
        web = Files.createDirectories(tmp.resolve("web"));
        Files.createDirectories(web.resolve("public_html"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        hostd.addAccount("bob", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        bobToken = hostd.token("bob", false);
        if (!ROOT) {
            hostd.hostd().unixUsers().map("alice", ME, false);
        }
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    private Hostctl hostctl(Path home) {
        return new Hostctl(home).localSocket(socket).pipe();
    }

    @Test
    void with_nothing_configured_hostctl_finds_the_socket_and_the_unix_user_is_the_account(@TempDir Path home) throws IOException {
        HostctlRun status = hostctl(home).run("auth", "status", "-o", "json");
        HostctlRun show = hostctl(home).run("php", "show", "-o", "json");
        if (ROOT) {
            for (HostctlRun r : List.of(status, show)) {
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
                assertThat(r.err()).as("one line, no login hint").startsWith("hostctl: root is not a hosting"
                        + " account").hasLineCount(1);
                assertThat(r.out()).isEmpty();
            }
            return;
        }
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode s = Json.mapper().readTree(status.out());
        assertThat(s.path("apiUrl").asText()).isEqualTo("unix:" + socket);
        assertThat(s.path("apiUrlSource").asText()).isEqualTo("socket");
        assertThat(s.path("account").asText()).isEqualTo("alice");
        assertThat(s.path("unixUser").asText()).isEqualTo(ME);
        assertThat(s.has("tokenId")).isFalse();
        assertThat(status.err()).isEqualTo("local socket, account alice (Unix user " + ME + ")\n");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(Json.mapper().readTree(show.out()).get(0).path("path").asText()).isEqualTo("public_html");
    }

    @Test
    void a_token_in_the_environment_goes_to_tcp_and_an_explicit_unix_url_never_sends_it(@TempDir Path home) throws IOException {
        HostctlRun tcp = hostctl(home).env("HOSTCTL_TOKEN", bobToken).env("HOSTCTL_API_URL", hostd.url())
                .run("auth", "status", "-o", "json");
        assertThat(tcp.exitCode()).as(tcp.toString()).isZero();
        assertThat(Json.mapper().readTree(tcp.out()).path("account").asText()).isEqualTo("bob");

        HostctlRun unix = hostctl(home).env("HOSTCTL_TOKEN", bobToken).run("--api-url", "unix:" + socket, "-v",
                "auth", "status", "-o", "json");
        assertThat(unix.err()).doesNotContain(bobToken).doesNotContain("Authorization");
        if (ROOT) {
            assertThat(unix.exitCode()).as(unix.toString()).isEqualTo(4);
        } else {
            assertThat(unix.exitCode()).as(unix.toString()).isZero();
            assertThat(Json.mapper().readTree(unix.out()).path("account").asText()).as("not bob").isEqualTo("alice");
        }
    }

    @Test
    void auth_login_on_the_socket_reads_no_token_and_saves_only_the_url(@TempDir Path home) throws IOException {
        HostctlRun login = hostctl(home).runWithStdin("", "--profile", "server", "--api-url", "unix:" + socket,
                "auth", "login");
        Path config = home.resolve("hostctl/config.json");
        if (ROOT) {
            assertThat(login.exitCode()).as(login.toString()).isEqualTo(4);
            assertThat(login.err()).startsWith("hostctl: root is not a hosting account").hasLineCount(1);
            assertThat(config).doesNotExist();
            return;
        }
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.err()).contains("as account alice (read-write, Unix user " + ME + ", no token)");
        JsonNode saved = Json.mapper().readTree(Files.readString(config)).path("profiles").path("server");
        assertThat(saved.path("apiUrl").asText()).isEqualTo("unix:" + socket);
        assertThat(saved.has("token")).isFalse();
        HostctlRun status = hostctl(home).run("--profile", "server", "auth", "status", "-o", "json");
        assertThat(Json.mapper().readTree(status.out()).path("account").asText()).isEqualTo("alice");
    }

    @Test
    void a_missing_socket_is_unavailable_with_its_path(@TempDir Path home) throws IOException {
        Path gone = home.resolve("gone.sock");
        HostctlRun run = hostctl(home).run("--api-url", "unix:" + gone, "php", "show");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
        assertThat(run.err()).startsWith("hostctl: cannot reach unix:" + gone + ": connection refused");

        HostctlRun relative = hostctl(home).run("--api-url", "unix:api.sock", "php", "show");
        assertThat(relative.exitCode()).as(relative.toString()).isNotZero();
        assertThat(relative.err()).contains("unix:/absolute/path");
    }
}
