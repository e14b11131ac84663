package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostctl.api.Docroot;
import org.hostctl.support.Fixtures;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.hostctl.support.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No header or parameter changes the method of a request: a GET (or a POST) carrying an override for any write
 * route of the route table changes nothing, whichever spelling it uses.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MethodOverrideApiTest {
    private static final String ADDRESS = "someone@example.com";
    private static final List<String> HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method",
            "X-Method-Override", "x-http-method-override");
    /** A body each write route would accept, so that an honoured override would really change something. */
    private static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("PUT /v1/php/settings", "{\"version\":\"8.2\"}"),
            Map.entry("POST /v1/mailboxes", "{\"address\":\"new@example.com\",\"password\":\"Correct-horse-42-battery\"}"),
            Map.entry("PUT /v1/mailboxes/{address}/password", "{\"password\":\"Another-horse-43-battery\"}"),
            Map.entry("PUT /v1/mailboxes/{address}/quota", "{\"quotaBytes\":1048576}"),
            Map.entry("PUT /v1/mailboxes/{address}/name", "{\"name\":\"Changed\"}"),
            Map.entry("PUT /v1/mailboxes/{address}/autoreply",
                    "{\"address\":\"" + ADDRESS + "\",\"enabled\":true,\"subject\":\"Changed\",\"body\":\"Changed\"}"),
            Map.entry("PUT /v1/mailboxes/{address}/sieve/{name}", "{\"content\":\"keep;\\n\",\"activate\":true}"),
            Map.entry("POST /v1/mailboxes/{address}/sieve/{name}/rename", "{\"newName\":\"renamed\"}"),
            Map.entry("POST /v1/aliases/{source}", "{\"destinations\":[\"other@example.net\"]}"));

    TestHostd hostd;
    RawApi raw;
    Path web;
    String token;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        raw = new RawApi(hostd.url());
        web = Files.createDirectories(tmp.resolve("alice"));
        Files.createDirectories(web.resolve("public_html/shop"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        token = hostd.token("alice", false);
        expectOk(raw.send("POST", "/v1/mailboxes", token,
                "{\"address\":\"" + ADDRESS + "\",\"password\":\"Correct-horse-41-battery\"}"));
        expectOk(raw.send("POST", "/v1/aliases/alias@example.com", token, "{\"destinations\":[\"" + ADDRESS + "\"]}"));
        expectOk(raw.put("/v1/php/settings?path=public_html/shop", token, "{\"version\":\"8.3\"}"));
        expectOk(raw.put("/v1/mailboxes/" + ADDRESS + "/autoreply", token,
                "{\"address\":\"" + ADDRESS + "\",\"enabled\":true,\"subject\":\"Away\",\"body\":\"Back soon\"}"));
        // Reading a mailbox's scripts creates its sieve directory: done before any state is compared.
        raw.get("/v1/mailboxes/" + ADDRESS + "/sieve/main", token);
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    private static void expectOk(Reply r) {
        assertThat(r.status()).as("%s: %s", r, r.text()).isBetween(200, 299);
    }

    @Test
    void an_override_header_on_a_GET_or_POST_is_refused_and_changes_nothing_on_any_write_route() {
        List<Route> writes = writeRoutes();
        assertThat(writes).hasSizeGreaterThan(15);
        String before = state();
        for (Route route : writes) {
            for (String carrier : List.of("GET", "POST")) {
                if (carrier.equals(route.method())) {
                    continue;
                }
                for (String header : HEADERS) {
                    Reply r = raw.send(request(carrier, route, "").header(header, route.method()).build());

                    assertThat(r.status()).as("%s with %s: %s", r, header, r.text()).isEqualTo(400);
                    assertThat(r.problem(400).path("type").asText()).isEqualTo("urn:hostctl:problem:method-override");
                    assertThat(state()).as("state after %s with %s: %s", r, header, route.method()).isEqualTo(before);
                }
            }
        }
    }

    @Test
    void a_method_query_or_form_parameter_changes_nothing_on_any_write_route() {
        String before = state();
        for (Route route : writeRoutes()) {
            String query = (route.path().startsWith("/v1/php/") ? "&" : "?") + "_method=" + route.method();
            Reply get = raw.send(request("GET", route, query).build());
            assertThat(state()).as("state after %s", get).isEqualTo(before);

            if (!route.method().equals("POST")) {
                Reply post = raw.send(request("POST", route, query).build());
                assertThat(state()).as("state after %s", post).isEqualTo(before);

                Reply form = raw.send(HttpRequest.newBuilder(uri(route, ""))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("_method=" + route.method()))
                        .build());
                assertThat(form.status()).as("%s with a _method form field", form).isGreaterThanOrEqualTo(400);
                assertThat(state()).as("state after %s with a _method form field", form).isEqualTo(before);
            }
        }
    }

    @Test
    void the_route_table_still_answers_the_real_methods() {
        Reply r = raw.get("/v1/mailboxes/" + ADDRESS, token);
        expectOk(r);
        assertThat(raw.send(HttpRequest.newBuilder(URI.create(hostd.url() + "/v1/openapi.yaml"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).status()).isEqualTo(200);
    }

    private List<Route> writeRoutes() {
        List<Route> out = new ArrayList<>();
        for (Route r : hostd.http().routes()) {
            if (r.access() == Route.Access.WRITE) {
                out.add(r);
            }
        }
        return out;
    }

    private HttpRequest.Builder request(String method, Route route, String extraQuery) {
        String body = BODIES.get(route.method() + " " + route.path());
        return HttpRequest.newBuilder(uri(route, extraQuery))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private URI uri(Route route, String extraQuery) {
        String path = route.path().replace("{address}", ADDRESS).replace("{source}", ADDRESS)
                .replace("{name}", "main").replace("{id}", "1");
        String query = path.startsWith("/v1/php/") ? "?path=public_html/shop" : "";
        return URI.create(hostd.url() + path + query + extraQuery);
    }

    /** The tenant tables and the files hostd writes: equal only if no write happened. */
    private String state() {
        StringBuilder out = new StringBuilder();
        try (Connection c = java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + hostd.dataDir().resolve("hostd.db"));
                Statement s = c.createStatement()) {
            for (String q : List.of("SELECT * FROM account ORDER BY 1", "SELECT * FROM docroot ORDER BY 1, 2",
                    "SELECT * FROM domain ORDER BY 1", "SELECT * FROM mailbox ORDER BY email",
                    "SELECT * FROM alias ORDER BY source, destination", "SELECT * FROM autoreply ORDER BY 1",
                    "SELECT id, account, read_only, description, created_at FROM api_token ORDER BY id")) {
                try (ResultSet rs = s.executeQuery(q)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            out.append(rs.getString(i)).append('|');
                        }
                        out.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        out.append(TreeSnapshot.of(web)).append('\n').append(TreeSnapshot.of(hostd.dataDir().resolve("vmail")));
        return out.toString();
    }
}
