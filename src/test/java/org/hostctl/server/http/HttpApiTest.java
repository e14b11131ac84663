package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.hostctl.api.Docroot;
import org.hostctl.server.Hostd;
import org.hostctl.server.service.TokenService;
import org.hostctl.support.Fixtures;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.hostctl.support.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hostd's HTTP contract over real HTTP: problem+json for every error, 404/405/401 semantics, body parsing and
 * limits, the public OpenAPI document, {@code /v1/me}, and that token secrets appear in no response and no log.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {
    private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH");
    private static final String UNKNOWN_TOKEN = "hct_" + "A".repeat(43);

    TestHostd hostd;
    RawApi raw;
    Path aliceWeb;
    String alice;
    String aliceReadOnly;
    String revoked;
    /** Every secret sent in this class: none may come back in any response. */
    final List<String> secrets = new ArrayList<>();
    final List<Reply> replies = new ArrayList<>();

    @BeforeAll
    void startHostd(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        raw = new RawApi(hostd.url());
        aliceWeb = Files.createDirectories(tmp.resolve("alice"));
        Files.createDirectories(aliceWeb.resolve("public_html/shop"));
        hostd.addAccount("alice", aliceWeb, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        alice = hostd.token("alice", false);
        aliceReadOnly = hostd.token("alice", true);
        TokenService.Issued gone = hostd.hostd().tokens().issue("alice", false, "revoked");
        hostd.hostd().tokens().revoke(gone.row().id());
        revoked = gone.secret();
        secrets.addAll(List.of(alice, aliceReadOnly, revoked, UNKNOWN_TOKEN));
    }

    @AfterAll
    void stopHostd() {
        hostd.close();
    }

    @AfterEach
    void noResponseContainedASecret() {
        for (Reply r : replies) {
            String all = r.headers() + "\n" + r.text();
            for (String s : secrets) {
                assertThat(all).as(r.toString()).doesNotContain(s).doesNotContain(s.substring(4));
            }
        }
        replies.clear();
    }

    private Reply call(String method, String pathAndQuery, String token, String body) {
        Reply r = raw.send(method, pathAndQuery, token, body);
        replies.add(r);
        return r;
    }

    private Reply call(String method, String pathAndQuery, String token, byte[] body, String contentType) {
        Reply r = raw.send(method, pathAndQuery, token, body, contentType);
        replies.add(r);
        return r;
    }

    private Set<String> paths() {
        return hostd.http().routes().stream().map(Route::path).collect(Collectors.toCollection(TreeSet::new));
    }

    @Nested
    class Routing {
        @ParameterizedTest
        @ValueSource(strings = {"/", "/v1", "/v1/", "/v1/nope", "/v2/me", "/v1/me/extra", "/v1/php", "/v1/ME",
            "/v1/openapi.json"})
        void an_unknown_path_is_a_404_problem(String path) {
            for (String token : java.util.Arrays.asList(alice, null)) {
                Reply r = call("GET", path, token, (String) null);

                JsonNode p = r.problem(404);
                assertThat(r.code()).isEqualTo("not-found");
                assertThat(p.path("instance").asText()).isEqualTo(path);
            }
        }

        @Test
        void a_wrong_method_on_a_known_path_is_a_405_problem_with_Allow() {
            int checked = 0;
            for (String path : paths()) {
                Set<String> allowed = hostd.http().routes().stream().filter(r -> r.path().equals(path))
                        .map(Route::method).collect(Collectors.toCollection(TreeSet::new));
                for (String method : METHODS) {
                    if (allowed.contains(method)) {
                        continue;
                    }
                    Reply r = call(method, RawApi.concrete(path), alice, method.equals("GET") ? null : "{}");

                    r.problem(405);
                    assertThat(r.code()).as(r.toString()).isEqualTo("method-not-allowed");
                    assertThat(r.header("Allow")).as(r.toString()).isPresent();
                    assertThat(Set.of(r.header("Allow").get().split(",\\s*"))).as(r.toString()).isEqualTo(allowed);
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(10);
        }
    }

    @Nested
    class Authentication {
        private List<Route> protectedRoutes() {
            List<Route> routes = hostd.http().routes().stream().filter(r -> r.access() != Route.Access.PUBLIC)
                    .toList();
            assertThat(routes).hasSizeGreaterThanOrEqualTo(6);
            return routes;
        }

        @Test
        void no_token_is_a_401_problem_with_WWW_Authenticate_Bearer_on_every_protected_route() {
            for (Route route : protectedRoutes()) {
                Reply r = call(route.method(), RawApi.concrete(route.path()) + "?path=public_html", null, "{\"version\":\"8.3\"}");

                r.problem(401);
                assertThat(r.code()).as(r.toString()).isEqualTo("unauthenticated");
                assertThat(r.header("WWW-Authenticate")).as(r.toString()).hasValueSatisfying(
                        v -> assertThat(v).startsWith("Bearer"));
            }
            assertThat(aliceWeb.resolve("public_html/.htaccess")).doesNotExist();
        }

        @ParameterizedTest
        @ValueSource(strings = {"unknown", "revoked", "garbage", "basic", "empty-bearer", "two-words", "lower-case"})
        void a_bad_token_is_a_401_problem_on_every_protected_route(String kind) {
            for (Route route : protectedRoutes()) {
                String header = switch (kind) {
                    case "unknown" -> "Bearer " + UNKNOWN_TOKEN;
                    case "revoked" -> "Bearer " + revoked;
                    case "garbage" -> "Bearer not-a-token";
                    case "basic" -> "Basic " + java.util.Base64.getEncoder().encodeToString(
                            ("alice:" + alice).getBytes(StandardCharsets.UTF_8));
                    case "empty-bearer" -> "Bearer ";
                    case "two-words" -> "Bearer " + alice + " " + alice;
                    case "lower-case" -> "bearer " + UNKNOWN_TOKEN;
                    default -> throw new IllegalArgumentException(kind);
                };
                java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(hostd.url() + RawApi.concrete(route.path()) + "?path=public_html"))
                        .method(route.method(), java.net.http.HttpRequest.BodyPublishers.ofString("{\"version\":\"8.3\"}"))
                        .header("Authorization", header).header("Content-Type", "application/json").build();
                Reply r = raw.send(req);
                replies.add(r);

                r.problem(401);
                assertThat(r.code()).as(r.toString()).isEqualTo("unauthenticated");
                assertThat(r.header("WWW-Authenticate")).as(r.toString()).hasValueSatisfying(
                        v -> assertThat(v).startsWith("Bearer"));
            }
            assertThat(aliceWeb.resolve("public_html/.htaccess")).doesNotExist();
        }

        @Test
        void the_openapi_document_needs_no_token_and_is_yaml() throws IOException {
            Reply r = call("GET", "/v1/openapi.yaml", null, (String) null);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("application/yaml");
            JsonNode doc = new YAMLMapper().readTree(r.body());
            assertThat(doc.path("openapi").asText()).startsWith("3.1");
            assertThat(doc.path("paths").has("/v1/me")).isTrue();
            try (InputStream in = HttpApi.class.getResourceAsStream("/openapi/hostd-v1.yaml")) {
                assertThat(r.body()).isEqualTo(in.readAllBytes());
            }
        }
    }

    @Nested
    class Me {
        @Test
        void returns_the_account_and_the_token_id_never_the_secret() {
            Reply rw = call("GET", "/v1/me", alice, (String) null);
            Reply ro = call("GET", "/v1/me", aliceReadOnly, (String) null);

            assertThat(rw.status()).as(rw.toString()).isEqualTo(200);
            assertThat(rw.contentType()).startsWith("application/json");
            JsonNode me = rw.json();
            assertThat(me.path("account").asText()).isEqualTo("alice");
            assertThat(me.path("tokenId").asText()).matches("tok_[a-z2-7]{8}");
            assertThat(me.path("readOnly").asBoolean()).isFalse();
            assertThat(me.path("webspace").asText()).isEqualTo(aliceWeb.toString());
            assertThat(me.path("docroots").get(0).path("path").asText()).isEqualTo("public_html");
            assertThat(me.path("phpDefault").asText()).isEqualTo("8.2");
            JsonNode meRo = ro.json();
            assertThat(meRo.path("readOnly").asBoolean()).isTrue();
            assertThat(meRo.path("tokenId").asText()).isNotEqualTo(me.path("tokenId").asText());
            assertThat(rw.text() + ro.text()).doesNotContain(alice, aliceReadOnly, "hct_");
        }
    }

    @Nested
    class Request_bodies {
        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"{", "{\"version\":", "not json", "[1,2]", "\"8.3\"", "{\"version\":{\"a\":1}}",
            "{\"version\":[\"8.3\"]}", "{\"version\":\"8.3\",\"allowEol\":\"maybe\"}", "\u0000", "{\"version\":\"8.3\"}}",
            "{\"version\":\"8.3\"} trailing", "{\"version\":\"8.3\"}{\"version\":\"7.4\"}"})
        void a_malformed_json_body_is_a_400_or_422_problem_and_writes_nothing(String body) {
            TreeSnapshot before = TreeSnapshot.of(aliceWeb);

            Reply r = call("PUT", "/v1/php/settings?path=public_html/shop", alice, body);

            assertThat(r.status()).as(r.toString()).isIn(400, 422);
            assertThat(r.code()).as(r.toString()).isIn("malformed-body", "invalid-input");
            assertThat(r.problem().path("detail").asText()).doesNotContain("com.fasterxml", "Exception");
            assertThat(TreeSnapshot.of(aliceWeb).entries()).containsExactlyEntriesOf(before.entries());
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"", "null", "{}", "{\"version\":null}", "{\"version\":\"\"}"})
        void a_missing_body_or_version_is_a_422_problem(String body) {
            Reply r = call("PUT", "/v1/php/settings?path=public_html/shop", alice, body.isEmpty() ? null : body);

            r.problem(422);
            assertThat(r.code()).as(r.toString()).isEqualTo("invalid-input");
            assertThat(aliceWeb.resolve("public_html/shop/.htaccess")).doesNotExist();
        }

        @Test
        void a_body_above_the_size_limit_is_refused_with_413() {
            byte[] big = new byte[(1 << 20) + 1024];
            Arrays.fill(big, (byte) ' ');
            big[0] = '{';
            big[big.length - 1] = '}';

            Reply r = call("PUT", "/v1/php/settings?path=public_html/shop", alice, big, "application/json");

            r.problem(413);
            assertThat(r.code()).as(r.toString()).isEqualTo("too-large");
            assertThat(aliceWeb.resolve("public_html/shop/.htaccess")).doesNotExist();
        }

        @Test
        void a_correct_request_still_works_after_all_of_that() {
            Reply r = call("PUT", "/v1/php/settings?path=public_html/shop", alice, "{\"version\":\"8.3\",\"dryRun\":true}");

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().path("changed").asBoolean()).isTrue();
            assertThat(r.json().path("dryRun").asBoolean()).isTrue();
            assertThat(aliceWeb.resolve("public_html/shop/.htaccess")).doesNotExist();
        }
    }

    /**
     * hostd as its launcher runs it: a separate JVM with the production class path (no test resources, so
     * slf4j-simple's defaults) and hostd's own loggers at debug; its stdout and stderr must never hold a secret.
     */
    @Nested
    class Logging {
        @Test
        void hostds_log_never_contains_a_token_secret(@TempDir Path tmp) throws Exception {
            Path data = TestHostd.dataDir(tmp.resolve("data"));
            Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
            Path web = Files.createDirectories(tmp.resolve("web/public_html/shop")).getParent().getParent();
            List<String> own = new ArrayList<>();
            try (Hostd setup = Hostd.open(data, Clock.systemUTC())) {
                setup.accounts().add("carol", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")), null);
                own.add(setup.tokens().issue("carol", false, "rw").secret());
                own.add(setup.tokens().issue("carol", true, "ro").secret());
                TokenService.Issued gone = setup.tokens().issue("carol", false, "gone");
                setup.tokens().revoke(gone.row().id());
                own.add(gone.secret());
            }
            String rw = own.get(0);
            String ro = own.get(1);
            Path stderr = tmp.resolve("hostd.err");
            Path stdout = tmp.resolve("hostd.out");
            Process p = new ProcessBuilder(javaBinary(), "-XX:TieredStopAtLevel=1", "-cp", productionClassPath(),
                    "-Dorg.slf4j.simpleLogger.log.org.hostctl=debug", "org.hostctl.server.HostdMain", "serve",
                    "--data", data.toString(), "--listen", "127.0.0.1:0")
                    .redirectError(stderr.toFile()).redirectOutput(stdout.toFile()).start();
            try {
                String url = awaitListening(p, stdout);
                RawApi child = new RawApi(url);
                List<Reply> rs = new ArrayList<>();
                rs.add(child.get("/v1/me", rw));
                rs.add(child.get("/v1/php/settings?path=public_html", rw));
                rs.add(child.put("/v1/php/settings?path=public_html/shop", rw, "{\"version\":\"8.3\"}"));
                rs.add(child.put("/v1/php/settings?path=public_html/shop", rw, "{\"version\":\"" + rw + "\"}"));
                rs.add(child.put("/v1/php/settings?path=public_html/shop", rw, "{\"version\":"));
                rs.add(child.delete("/v1/php/settings?path=public_html/shop", rw));
                rs.add(child.delete("/v1/php/settings?path=public_html/shop", ro));
                rs.add(child.get("/v1/me", own.get(2)));
                rs.add(child.get("/v1/me", UNKNOWN_TOKEN));
                rs.add(child.get("/v1/nope", rw));
                rs.add(child.send("PATCH", "/v1/me", rw, "{}"));
                rs.add(child.post("/v1/php/verify?path=public_html/shop", rw));
                assertThat(rs).extracting(Reply::status).containsExactly(200, 200, 200, 422, 422, 200, 403, 401, 401,
                        404, 405, 200);
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }

            String log = Files.readString(stderr) + Files.readString(stdout);
            assertThat(log).as("hostd logs requests, so the check below has something to look at")
                    .contains("GET /v1/me 200", "PUT /v1/php/settings 200", "GET /v1/me 401");
            for (String s : own) {
                assertThat(log).doesNotContain(s).doesNotContain(s.substring(4));
            }
            assertThat(log).doesNotContain(UNKNOWN_TOKEN).doesNotContain("hct_");
        }

        @Test
        void hostd_serve_started_and_stopped_logs_no_error_or_warning(@TempDir Path tmp) throws Exception {
            for (int run = 0; run < 3; run++) {
                Path stderr = tmp.resolve("hostd-" + run + ".err");
                Path stdout = tmp.resolve("hostd-" + run + ".out");
                Process p = new ProcessBuilder(javaBinary(), "-XX:TieredStopAtLevel=1", "-cp", productionClassPath(),
                        "org.hostctl.server.HostdMain", "serve", "--data", tmp.resolve("data").toString(),
                        "--listen", "127.0.0.1:0")
                        .redirectError(stderr.toFile()).redirectOutput(stdout.toFile()).start();
                try {
                    String url = awaitListening(p, stdout);
                    assertThat(new RawApi(url).get("/v1/openapi.yaml", null).status()).isEqualTo(200);
                } finally {
                    p.destroy(); // SIGTERM: the shutdown hook stops hostd, probably during its first health round
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
                String log = Files.readString(stderr);
                assertThat(log).as("hostd logs requests").contains("GET /v1/openapi.yaml 200");
                assertThat(log.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList())
                        .as("run %d:%n%s", run, log).isEmpty();
            }
        }

        private String javaBinary() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        private String productionClassPath() {
            String cp = System.getProperty("java.class.path");
            List<String> entries = Arrays.stream(cp.split(java.io.File.pathSeparator))
                    .filter(e -> !e.endsWith("test-classes"))
                    .filter(e -> !e.contains("surefire"))
                    .toList();
            assertThat(entries).anySatisfy(e -> assertThat(e).endsWith("classes"));
            assertThat(entries).anySatisfy(e -> assertThat(e).contains("javalin"));
            return String.join(java.io.File.pathSeparator, entries);
        }

        private String awaitListening(Process p, Path stdout) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new AssertionError("hostd exited with " + p.exitValue());
                }
                try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(stdout),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("hostd listening on ")) {
                            return line.substring("hostd listening on ".length()).trim();
                        }
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("hostd did not start within 20 s");
        }
    }

    @Test
    void the_route_table_has_every_path_once_per_method() {
        Map<String, Long> counts = hostd.http().routes().stream()
                .collect(Collectors.groupingBy(r -> r.method() + " " + r.path(), Collectors.counting()));
        assertThat(counts.values()).allMatch(c -> c == 1);
    }
}
