package org.hostctl.server.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.hostctl.api.Docroot;
import org.hostctl.support.Fixtures;
import org.hostctl.support.TestHostd;
import org.hostctl.support.UnixHttp;
import org.hostctl.support.UnixHttp.Reply;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostd's local socket as the user running the tests: modes of the socket and its directory, stale sockets,
 * refused locations, and that the caller is the kernel's Unix user, never a token. Other Unix users (root in CI
 * makes them) are in {@code org.hostctl.it.LocalSocketUsersTest}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalSocketTest {
    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path tmp;

    private TestHostd start(Path socket) throws IOException {
        TestHostd h = TestHostd.startWithSocket(tmp.resolve("data"), null, Fixtures.CLOCK, socket);
        Path web = Files.createDirectories(tmp.resolve("web-" + System.nanoTime()));
        Files.createDirectories(web.resolve("public_html"));
        h.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        h.addAccount("bob", web, List.of());
        return h;
    }

    @Test
    void the_socket_is_0666_in_a_0755_directory_hostd_creates_and_goes_away_on_stop() throws IOException {
        Path socket = tmp.resolve("run/hostd/api.sock");
        try (TestHostd h = start(socket)) {
            assertThat(h.socket()).isEqualTo(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwxr-xr-x");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket,
                    LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-rw-rw-");
            assertThat(UnixHttp.once(socket, "GET", "/v1/openapi.yaml", Map.of(), null).status()).isEqualTo(200);
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void a_stale_socket_is_replaced_but_a_live_one_a_file_or_a_directory_others_may_write_is_refused()
            throws IOException {
        Path socket = tmp.resolve("run/api.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(() -> LocalSocket.prepare(socket)).hasMessage("another process serves the socket "
                    + socket);
        }
        assertThat(socket).exists();
        try (TestHostd h = start(socket)) {
            assertThat(UnixHttp.once(socket, "GET", "/v1/openapi.yaml", Map.of(), null).status()).isEqualTo(200);
        }

        Path file = Files.writeString(tmp.resolve("run/file.sock"), "x");
        assertThatThrownBy(() -> LocalSocket.prepare(file)).hasMessageContaining("exists and is not a socket");
        assertThat(file).hasContent("x");

        Path open = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> LocalSocket.prepare(open.resolve("api.sock")))
                .hasMessageContaining("is writable by group or others, who could replace the socket");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> LocalSocket.prepare(open.resolve("api.sock")))
                .hasMessageContaining("is writable by group or others");
        assertThat(open.resolve("api.sock")).doesNotExist();

        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectories(tmp.resolve("target")));
        assertThatThrownBy(() -> LocalSocket.prepare(link.resolve("api.sock")))
                .hasMessageContaining("is not a directory (or is a symbolic link)");
        assertThatThrownBy(() -> LocalSocket.prepare(tmp.resolve("x".repeat(120) + ".sock")))
                .hasMessageContaining("limit of a Unix domain socket address");
    }

    @Test
    void the_caller_is_the_unix_user_the_kernel_reports_and_a_valid_token_of_another_account_is_ignored()
            throws IOException {
        Path socket = tmp.resolve("run/api.sock");
        try (TestHostd h = start(socket)) {
            String bobToken = h.token("bob", false);
            Map<String, String> asBob = Map.of("Authorization", "Bearer " + bobToken);
            if (ME.equals("root")) {
                Reply r = UnixHttp.once(socket, "GET", "/v1/me", asBob, null);
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.json().path("detail").asText()).startsWith("root is not a hosting account");
                assertThat(r.body()).doesNotContain("bob");
                return;
            }
            Reply unmapped = UnixHttp.once(socket, "GET", "/v1/me", asBob, null);
            assertThat(unmapped.status()).isEqualTo(401);
            assertThat(unmapped.json().path("detail").asText()).isEqualTo("no hosting account for Unix user " + ME);

            h.hostd().unixUsers().map("alice", ME, false);
            for (Map<String, String> headers : List.of(Map.<String, String>of(), asBob,
                    Map.of("Authorization", "Bearer hct_" + "A".repeat(43)), Map.of("X-Unix-User", "bob"))) {
                Reply me = UnixHttp.once(socket, "GET", "/v1/me?account=bob", headers, null);
                assertThat(me.status()).as(headers.toString()).isEqualTo(200);
                assertThat(me.json().path("account").asText()).isEqualTo("alice");
                assertThat(me.json().path("unixUser").asText()).isEqualTo(ME);
                assertThat(me.json().has("tokenId")).isFalse();
            }
            // over TCP the same token is bob's, and no token is no one
            assertThat(new org.hostctl.support.RawApi(h.url()).send("GET", "/v1/me", bobToken, null).json()
                    .path("account").asText()).isEqualTo("bob");
            assertThat(new org.hostctl.support.RawApi(h.url()).send("GET", "/v1/me", null, null).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void a_keep_alive_connection_keeps_its_unix_user_whatever_later_requests_send() throws IOException {
        Path socket = tmp.resolve("run/api.sock");
        try (TestHostd h = start(socket); UnixHttp c = UnixHttp.connect(socket)) {
            String bobToken = h.token("bob", false);
            boolean root = ME.equals("root");
            if (!root) {
                h.hostd().unixUsers().map("alice", ME, true);
            }
            for (Map<String, String> headers : List.of(Map.<String, String>of(),
                    Map.of("Authorization", "Bearer " + bobToken), Map.<String, String>of())) {
                Reply me = c.send("GET", "/v1/me", headers, null);
                assertThat(me.status()).isEqualTo(root ? 401 : 200);
                assertThat(me.body()).doesNotContain("\"bob\"");
                if (!root) {
                    assertThat(me.json().path("account").asText()).isEqualTo("alice");
                    assertThat(me.json().path("readOnly").asBoolean()).isTrue();
                }
            }
            Reply write = c.send("PUT", "/v1/php/settings?path=public_html", Map.of("Authorization", "Bearer "
                    + bobToken), "{\"version\":\"8.2\"}");
            assertThat(write.status()).isEqualTo(root ? 401 : 403);
            if (!root) {
                assertThat(write.json().path("detail").asText()).isEqualTo("Unix user " + ME + " has read-only access"
                        + " to account alice; PUT /v1/php/settings needs read-write access");
            }
        }
    }
}
