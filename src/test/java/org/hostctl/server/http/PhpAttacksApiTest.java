package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.server.php.HtaccessBlock;
import org.hostctl.support.Fixtures;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.hostctl.support.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on the PHP routes over real HTTP against a real hostd with two accounts, alice and bob. Every attack
 * must be refused with a problem, and nothing outside alice's webspace may be created or changed: bob's webspace
 * and an "outside" directory are snapshotted (content, mode, owner, mtime) before and compared after each test.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhpAttacksApiTest {
    private static final String SETTINGS = "/v1/php/settings";
    private static final FileTime OLD = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
    private static final String BOB_HTACCESS = "# bob's own file\nAddHandler php74-cgi .php\n";
    private static final String VICTIM = "root:x:0:0:root:/root:/bin/bash\nAddHandler php56-cgi .php\n";

    TestHostd hostd;
    RawApi api;
    Path aliceWeb;
    Path alicePublic;
    Path bobWeb;
    Path outside;
    String alice;
    String aliceReadOnly;
    String bob;
    TreeSnapshot outsideBefore;
    TreeSnapshot bobBefore;
    final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    void startHostd(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        api = new RawApi(hostd.url());
        aliceWeb = Files.createDirectories(tmp.resolve("alice"));
        alicePublic = Files.createDirectories(aliceWeb.resolve("public_html"));
        bobWeb = Files.createDirectories(tmp.resolve("bob"));
        Path bobPublic = Files.createDirectories(bobWeb.resolve("public_html"));
        Files.writeString(bobPublic.resolve(".htaccess"), BOB_HTACCESS);
        Files.createDirectories(bobPublic.resolve("deeper"));
        Files.writeString(bobPublic.resolve("deeper/index.php"), "<?php echo 'bob';\n");
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("victim"), VICTIM);
        Path raceTarget = Files.createDirectories(outside.resolve("race-target"));
        Files.writeString(raceTarget.resolve(".htaccess"), "# outside, must never change\n");
        ageTree(outside);
        ageTree(bobWeb);

        hostd.addAccount("alice", aliceWeb, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        hostd.addAccount("bob", bobWeb, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        alice = hostd.token("alice", false);
        aliceReadOnly = hostd.token("alice", true);
        bob = hostd.token("bob", false);
    }

    @AfterAll
    void stopHostd() {
        hostd.close();
    }

    @BeforeEach
    void snapshotOutside() {
        outsideBefore = TreeSnapshot.of(outside);
        bobBefore = TreeSnapshot.of(bobWeb);
    }

    @AfterEach
    void nothingOutsideAlicesWebspaceChanged() {
        assertThat(TreeSnapshot.of(outside).entries()).as("the outside directory")
                .containsExactlyEntriesOf(outsideBefore.entries());
        assertThat(TreeSnapshot.of(bobWeb).entries()).as("bob's webspace")
                .containsExactlyEntriesOf(bobBefore.entries());
    }

    /** Sets the mtime of everything below {@code root} (and root) far into the past, so any write shows. */
    private static void ageTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Collections.reverseOrder()).toList()) {
                Files.setLastModifiedTime(p, OLD);
            }
        }
    }

    /** A new directory below alice's public_html, unique per call. */
    private Path freshDir(String prefix) throws IOException {
        return Files.createDirectories(alicePublic.resolve(prefix + "-" + names.incrementAndGet()));
    }

    private static String rel(Path dir) {
        return "public_html/" + dir.getFileName();
    }

    private static String version(String v) {
        try {
            return Json.mapper().writeValueAsString(Map.of("version", v, "allowEol", true));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply set(String token, String path, String v) {
        return api.put(SETTINGS + RawApi.query("path", path), token, version(v));
    }

    private Reply unset(String token, String path) {
        return api.delete(SETTINGS + RawApi.query("path", path), token);
    }

    private Reply show(String token, String path) {
        return api.get(SETTINGS + RawApi.query("path", path), token);
    }

    private static void assertNoControlCharacters(String text) {
        assertThat(text.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)).count())
                .as("control characters in %s", text).isZero();
    }

    @Nested
    class The_outside_guard {
        @Test
        void notices_a_touched_mtime_a_changed_byte_and_a_new_entry(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("f");
            Files.writeString(f, "abc");
            Files.setLastModifiedTime(f, OLD);
            TreeSnapshot before = TreeSnapshot.of(dir);
            assertThat(TreeSnapshot.of(dir).entries()).isEqualTo(before.entries());

            Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2002-02-03T04:05:06Z")));
            assertThat(TreeSnapshot.of(dir).entries().get("f")).isNotEqualTo(before.entries().get("f"));

            Files.writeString(f, "abd");
            Files.setLastModifiedTime(f, OLD);
            assertThat(TreeSnapshot.of(dir).entries().get("f")).isNotEqualTo(before.entries().get("f"));

            Files.writeString(f, "abc");
            Files.setLastModifiedTime(f, OLD);
            assertThat(TreeSnapshot.of(dir).entries().get("f")).isEqualTo(before.entries().get("f"));
            Files.createDirectories(dir.resolve("new"));
            assertThat(TreeSnapshot.of(dir).entries()).containsKey("new/").isNotEqualTo(before.entries());
        }
    }

    @Nested
    class A_symlinked_htaccess {
        private Path linkedHtaccess(String target) throws IOException {
            Path dir = freshDir("htlink");
            Path to = switch (target) {
                case "outside" -> outside.resolve("victim");
                case "bob" -> bobWeb.resolve("public_html/.htaccess");
                case "bob-relative" -> Path.of("../../../bob/public_html/.htaccess");
                default -> throw new IllegalArgumentException(target);
            };
            Files.createSymbolicLink(dir.resolve(".htaccess"), to);
            assertThat(dir.resolve(".htaccess")).as("the link resolves").exists();
            return dir;
        }

        @ParameterizedTest(name = "pointing to {0}")
        @ValueSource(strings = {"outside", "bob", "bob-relative"})
        void is_refused_for_set_and_the_target_stays_untouched(String target) throws IOException {
            Path dir = linkedHtaccess(target);

            Reply r = set(alice, rel(dir), "8.3");

            assertThat(r.problem(422).path("type").asText()).isEqualTo("urn:hostctl:problem:unsafe-htaccess");
            assertThat(r.problem().path("detail").asText()).contains("symbolic link");
            assertThat(Files.isSymbolicLink(dir.resolve(".htaccess"))).as("the link itself is left alone").isTrue();
        }

        @ParameterizedTest(name = "pointing to {0}")
        @ValueSource(strings = {"outside", "bob", "bob-relative"})
        void is_refused_for_unset_and_the_target_stays_untouched(String target) throws IOException {
            Path dir = linkedHtaccess(target);

            Reply r = unset(alice, rel(dir));

            assertThat(r.problem(422).path("type").asText()).isEqualTo("urn:hostctl:problem:unsafe-htaccess");
            assertThat(Files.isSymbolicLink(dir.resolve(".htaccess"))).isTrue();
        }

        @ParameterizedTest(name = "pointing to {0}")
        @ValueSource(strings = {"outside", "bob", "bob-relative"})
        void is_reported_by_show_as_a_problem_and_never_read_through(String target) throws IOException {
            Path dir = linkedHtaccess(target);

            Reply r = show(alice, rel(dir));

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode setting = r.json().get(0);
            assertThat(setting.path("problems").toString()).as(r.toString()).contains("symbolic link");
            // the link targets select 5.6 (outside) and 7.4 (bob); following it would show one of them
            assertThat(setting.path("source").asText()).as(r.toString()).isEqualTo("default");
            assertThat(setting.path("version").asText()).as(r.toString()).isEqualTo("8.2");
            assertThat(r.text()).doesNotContain("php56-cgi", "php74-cgi", "root:x");
        }
    }

    @Nested
    class A_symlinked_parent_directory {
        @ParameterizedTest(name = "link to {0}, path link/{1}")
        @CsvSource({"bob, ''", "bob, deeper", "root, ''", "root, deeper", "root, tmp", "root, etc"})
        void is_refused_for_set_unset_and_show(String target, String below) throws IOException {
            Path link = alicePublic.resolve("dirlink-" + names.incrementAndGet());
            Path to = target.equals("bob") ? bobWeb.resolve("public_html") : Path.of("/");
            Files.createSymbolicLink(link, to);
            List<Path> mustNotAppear = new ArrayList<>(List.of(to.resolve(".htaccess"), to.resolve("deeper/.htaccess"),
                    Path.of("/tmp/.htaccess"), Path.of("/etc/.htaccess"), Path.of("/deeper")));
            mustNotAppear.removeIf(p -> p.equals(bobWeb.resolve("public_html/.htaccess")));
            for (Path p : mustNotAppear) {
                assumeFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " exists before the test");
            }
            String path = rel(link) + (below.isEmpty() ? "" : "/" + below);

            List<Reply> replies = List.of(set(alice, path, "8.3"), unset(alice, path), show(alice, path),
                    api.post("/v1/php/verify" + RawApi.query("path", path), alice));

            for (Reply r : replies) {
                assertThat(r.status()).as(r.toString()).isEqualTo(422);
                assertThat(r.code()).as(r.toString()).isIn("unsafe-path", "invalid-input");
                assertThat(r.text()).doesNotContain("php74-cgi");
            }
            for (Path p : mustNotAppear) {
                assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).as(p + " was created").isFalse();
            }
        }

        @Test
        void is_not_descended_into_by_a_recursive_show() throws IOException {
            Path dir = freshDir("audit");
            Files.createSymbolicLink(dir.resolve("to-bob"), bobWeb.resolve("public_html"));
            Files.createSymbolicLink(dir.resolve("to-root"), Path.of("/"));

            Reply r = api.get(SETTINGS + RawApi.query("path", rel(dir)) + "&recursive=true", alice);

            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json()).hasSize(1);
            assertThat(r.json().get(0).path("path").asText()).isEqualTo(rel(dir));
            assertThat(r.text()).doesNotContain("php74-cgi", "to-bob", "to-root");
        }
    }

    static Stream<Arguments> lexicalAttacks() {
        return Stream.of(
                Arguments.of("../x", 422, "invalid-path"),
                Arguments.of("../alice/public_html", 422, "invalid-path"),
                Arguments.of("public_html/../../bob/public_html", 422, "invalid-path"),
                Arguments.of("public_html/x/..", 422, "invalid-path"),
                Arguments.of("/etc", 422, "invalid-path"),
                Arguments.of("/", 422, "invalid-path"),
                Arguments.of("public_html/./x", 422, "invalid-path"),
                Arguments.of("./public_html/x", 422, "invalid-path"),
                Arguments.of("public_html//x", 422, "invalid-path"),
                Arguments.of("public_html/x/", 422, "invalid-path"),
                Arguments.of("public_html/x/.", 422, "invalid-path"),
                Arguments.of("public_html/x\0", 422, "invalid-path"),
                Arguments.of("public_html/.\0./x", 422, "invalid-path"),
                Arguments.of("public_html\\x", 422, "invalid-path"),
                Arguments.of("public_html/..\\x", 422, "invalid-path"),
                Arguments.of("public_html/x\n", 422, "invalid-path"),
                Arguments.of("public_html/x\u2028", 422, "invalid-path"),
                Arguments.of("public_html/\u2024\u2024/x", 422, "invalid-path"),
                Arguments.of("\u2024\u2024/bob/public_html", 422, "invalid-path"),
                Arguments.of("public_html/\u2024/x", 422, "invalid-path"),
                Arguments.of("public_html/\uff0e\uff0e/x", 422, "invalid-path"),
                Arguments.of("public_html/" + "a".repeat(5000), 422, "invalid-path"),
                Arguments.of("public_html/" + "abcdefghij/".repeat(380) + "x", 422, "invalid-path"),
                // percent-encoded this exceeds Jetty's request-line limit: refused before routing, as a problem
                Arguments.of("public_html/" + "x/".repeat(2500) + "x", 414, "uri-too-long"),
                // decoded once by HTTP, %2e%2e stays a literal (missing) name: never turned into ..
                Arguments.of("public_html/%2e%2e/x", 404, "not-found"),
                Arguments.of("public_html/%252e%252e/x", 404, "not-found"),
                // the webspace root itself is no document root
                Arguments.of(".", 422, "invalid-input"));
    }

    @Nested
    class Lexical_tricks_in_the_path_query {
        @BeforeEach
        void directoriesANormaliserWouldFind() throws IOException {
            Files.createDirectories(alicePublic.resolve("x"));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("org.hostctl.server.http.PhpAttacksApiTest#lexicalAttacks")
        void are_rejected_never_normalised(String path, int status, String code) {
            TreeSnapshot aliceBefore = TreeSnapshot.of(aliceWeb);

            List<Reply> replies = List.of(set(alice, path, "8.3"), unset(alice, path), show(alice, path));

            for (Reply r : replies) {
                JsonNode p = r.problem(status);
                assertThat(r.code()).as(r.toString()).isEqualTo(code);
                assertNoControlCharacters(p.path("detail").asText());
                assertThat(p.path("detail").asText().length()).as(r.toString()).isLessThan(600);
            }
            assertThat(TreeSnapshot.of(aliceWeb).entries()).as("alice's webspace")
                    .containsExactlyEntriesOf(aliceBefore.entries());
        }
    }

    @Nested
    class Another_accounts_path {
        @Test
        void is_refused_for_alice_and_bobs_directory_is_never_touched() {
            List<String> paths = List.of(bobWeb.resolve("public_html").toString(),
                    bobWeb.resolve("public_html/deeper").toString(), "../bob/public_html",
                    "../bob/public_html/deeper", "public_html/../../bob/public_html");

            for (String path : paths) {
                for (Reply r : List.of(set(alice, path, "8.3"), unset(alice, path), show(alice, path))) {
                    r.problem(422);
                    assertThat(r.code()).as(r.toString()).isEqualTo("invalid-path");
                    assertThat(r.text()).doesNotContain("php74-cgi");
                }
            }
        }

        @Test
        void gets_the_same_answer_as_a_directory_that_exists_nowhere() throws IOException {
            Path own = freshDir("alice-only");
            Files.createDirectories(own.resolve("sub"));
            String exists = rel(own);
            String nowhere = "public_html/nowhere-" + names.incrementAndGet();
            assertThat(Files.exists(bobWeb.resolve(exists))).isFalse();

            for (String suffix : List.of("", "/sub")) {
                Map<String, Reply> a = answers(exists + suffix);
                Map<String, Reply> n = answers(nowhere + suffix);
                for (String call : a.keySet()) {
                    Reply forAlices = a.get(call);
                    Reply forNothing = n.get(call);
                    assertThat(forAlices.status()).as(call + ": " + forAlices).isEqualTo(404);
                    assertThat(forAlices.status()).as(call).isEqualTo(forNothing.status());
                    assertThat(forAlices.problem().path("type")).as(call).isEqualTo(forNothing.problem().path("type"));
                    assertThat(forAlices.problem().path("title")).as(call)
                            .isEqualTo(forNothing.problem().path("title"));
                    assertThat(forAlices.problem().path("detail").asText().replace(exists, "<dir>")).as(call)
                            .isEqualTo(forNothing.problem().path("detail").asText().replace(nowhere, "<dir>"));
                }
            }
            assertThat(own.resolve(".htaccess")).doesNotExist();
        }

        private Map<String, Reply> answers(String path) {
            Map<String, Reply> m = new TreeMap<>();
            m.put("set", set(bob, path, "8.3"));
            m.put("unset", unset(bob, path));
            m.put("show", show(bob, path));
            m.put("show -r", api.get(SETTINGS + RawApi.query("path", path) + "&recursive=true", bob));
            m.put("verify", api.post("/v1/php/verify" + RawApi.query("path", path), bob));
            return m;
        }
    }

    @Nested
    class A_directory_swapped_for_a_link_mid_operation {
        @Test
        void never_redirects_a_write_and_every_answer_is_200_or_a_problem() throws Exception {
            Path race = alicePublic.resolve("race");
            Path parked = alicePublic.resolve("race-parked");
            Files.createDirectories(race);
            Path target = outside.resolve("race-target");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger flips = new AtomicInteger();
            AtomicReference<Throwable> flipFailure = new AtomicReference<>();
            Thread flipper = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                try {
                    while (!stop.get() && System.nanoTime() < deadline && flips.get() < 50_000) {
                        Files.move(race, parked, StandardCopyOption.ATOMIC_MOVE);
                        Files.createSymbolicLink(race, target);
                        Files.delete(race);
                        Files.move(parked, race, StandardCopyOption.ATOMIC_MOVE);
                        flips.incrementAndGet();
                    }
                } catch (Throwable t) {
                    flipFailure.set(t);
                }
            }, "flipper");
            Map<Integer, Integer> statuses = new TreeMap<>();
            Map<String, Integer> codes = new TreeMap<>();
            String query = SETTINGS + RawApi.query("path", "public_html/race");

            flipper.start();
            try {
                for (int i = 0; flipper.isAlive(); i++) {
                    Reply r = switch (i % 4) {
                        case 0 -> api.put(query, alice, version(i % 8 == 0 ? "8.3" : "8.2-fpm"));
                        case 2 -> api.delete(query, alice);
                        default -> api.get(query, alice);
                    };
                    statuses.merge(r.status(), 1, Integer::sum);
                    if (r.status() != 200) {
                        assertThat(r.status()).as(r.toString()).isBetween(400, 499);
                        codes.merge(r.code(), 1, Integer::sum);
                    }
                }
            } finally {
                stop.set(true);
                flipper.join();
            }

            assertThat(flipFailure.get()).isNull();
            assertThat(flips.get()).as("flips").isGreaterThan(1000);
            assertThat(statuses).as("statuses %s, problem codes %s", statuses, codes).containsKey(200);
            assertThat(statuses.keySet()).as("statuses %s, problem codes %s", statuses, codes).hasSizeGreaterThan(1);
            assertThat(Files.isDirectory(race, LinkOption.NOFOLLOW_LINKS)).isTrue();
            try (Stream<Path> left = Files.list(race)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("temporary files left")
                        .allMatch(n -> n.equals(".htaccess"));
            }
            // nothingOutsideAlicesWebspaceChanged() compares race-target (content, mtime, entries) afterwards
        }
    }

    @Nested
    class A_read_only_token {
        @Test
        void is_refused_on_every_write_route_and_nothing_changes() throws IOException {
            Path dir = freshDir("ro");
            Files.writeString(dir.resolve(".htaccess"), "# mine\n");
            TreeSnapshot before = TreeSnapshot.of(aliceWeb);
            List<Route> writes = hostd.http().routes().stream().filter(r -> r.access() == Route.Access.WRITE).toList();
            assertThat(writes).extracting(r -> r.method() + " " + r.path())
                    .contains("PUT /v1/php/settings", "DELETE /v1/php/settings", "POST /v1/php/verify");

            for (Route route : writes) {
                Reply r = api.send(route.method(), RawApi.concrete(route.path()) + RawApi.query("path", rel(dir)), aliceReadOnly,
                        version("8.3"));

                r.problem(403);
                assertThat(r.code()).as(r.toString()).isEqualTo("read-only-token");
            }

            assertThat(TreeSnapshot.of(aliceWeb).entries()).containsExactlyEntriesOf(before.entries());
            assertThat(show(aliceReadOnly, rel(dir)).status()).as("reading is allowed").isEqualTo(200);
        }
    }

    @Nested
    class An_htaccess_that_is_not_a_small_regular_file {
        @Test
        void a_fifo_is_refused_without_blocking() throws Exception {
            Path dir = freshDir("fifo");
            Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve(".htaccess").toString()).inheritIO().start();
            assertThat(mkfifo.waitFor()).isZero();

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                Reply s = set(alice, rel(dir), "8.3");
                assertThat(s.status()).as(s.toString()).isIn(409, 422);
                assertThat(s.code()).isEqualTo("unsafe-htaccess");
                Reply u = unset(alice, rel(dir));
                assertThat(u.status()).as(u.toString()).isIn(409, 422);
                Reply g = show(alice, rel(dir));
                assertThat(g.status()).as(g.toString()).isEqualTo(200);
                assertThat(g.json().get(0).path("problems").toString()).contains("not a regular file");
            });
            assertThat(Files.readAttributes(dir.resolve(".htaccess"),
                    java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
        }

        @Test
        void a_directory_is_refused() throws IOException {
            Path dir = freshDir("htdir");
            Files.createDirectories(dir.resolve(".htaccess"));
            TreeSnapshot before = TreeSnapshot.of(dir);

            for (Reply r : List.of(set(alice, rel(dir), "8.3"), unset(alice, rel(dir)))) {
                assertThat(r.status()).as(r.toString()).isIn(409, 422);
                assertThat(r.code()).as(r.toString()).isEqualTo("unsafe-htaccess");
            }
            assertThat(TreeSnapshot.of(dir).entries()).containsExactlyEntriesOf(before.entries());
        }

        @Test
        void one_larger_than_1_MiB_is_refused_and_left_byte_identical() throws IOException {
            Path dir = freshDir("big");
            byte[] big = ("# padding line\n".repeat(70_000) + "AddHandler php74-cgi .php\n")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(big.length).isGreaterThan(1 << 20);
            Files.write(dir.resolve(".htaccess"), big);
            Files.setLastModifiedTime(dir.resolve(".htaccess"), OLD);
            TreeSnapshot before = TreeSnapshot.of(dir);

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (Reply r : List.of(set(alice, rel(dir), "8.3"), unset(alice, rel(dir)))) {
                    assertThat(r.status()).as(r.toString()).isIn(409, 422);
                    assertThat(r.code()).as(r.toString()).isEqualTo("unsafe-htaccess");
                    assertThat(r.problem().path("detail").asText()).contains("too large");
                }
            });
            assertThat(TreeSnapshot.of(dir).entries()).containsExactlyEntriesOf(before.entries());
        }
    }

    @Nested
    class A_malformed_marker_block {
        @ParameterizedTest(name = "{1}")
        @CsvSource(delimiter = '|', value = {
            "Options -Indexes\\n# php -- BEGIN hostd-generated handler, do not edit\\nAddHandler php74-cgi .php\\n"
                    + "|unterminated BEGIN on line 2|line 2",
            "AddHandler php74-cgi .php\\n# php -- END hostd-generated handler, do not edit\\n|END without BEGIN|line 2",
            "# php -- BEGIN hostd-generated handler, do not edit\\n# php -- BEGIN hostd-generated handler, do not edit"
                    + "\\n# php -- END hostd-generated handler, do not edit\\n|BEGIN inside a block|line 2"})
        void is_refused_with_a_conflict_naming_the_line_and_left_byte_identical(String content, String label,
                String line) throws IOException {
            Path dir = freshDir("malformed");
            Files.writeString(dir.resolve(".htaccess"), content.replace("\\n", "\n"));
            Files.setLastModifiedTime(dir.resolve(".htaccess"), OLD);
            TreeSnapshot before = TreeSnapshot.of(dir);

            for (Reply r : List.of(set(alice, rel(dir), "8.3"), unset(alice, rel(dir)))) {
                JsonNode p = r.problem(409);
                assertThat(r.code()).as(r.toString()).isEqualTo("htaccess-malformed");
                assertThat(p.path("detail").asText()).as(label).contains(line);
            }
            assertThat(TreeSnapshot.of(dir).entries()).containsExactlyEntriesOf(before.entries());
        }
    }

    @Nested
    class Injection_in_the_version {
        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"8.2\nphp_value auto_prepend_file /etc/passwd", "8.2\r\nSetHandler proxy:http://evil/",
            "8.2\r", "../8.2", "8.2/../8.3", "\u001b[31m8.2\u001b[0m", "\u009b31m8.2", "8.2 ", " 8.2", "8.2\0",
            "php82-cgi", "proxy:unix:/run/php/fpm-bob.sock|fcgi://localhost", "8.2-FPM", "", "8"})
        void is_refused_and_the_file_is_unchanged(String injected) throws IOException {
            Path dir = alicePublic.resolve("inject");
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                assertThat(set(alice, rel(dir), "8.3").status()).isEqualTo(200);
                Files.setLastModifiedTime(dir.resolve(".htaccess"), OLD);
            }
            TreeSnapshot before = TreeSnapshot.of(aliceWeb);

            Reply r = set(alice, rel(dir), injected);

            JsonNode p = r.problem(422);
            assertThat(r.code()).as(r.toString()).isEqualTo("invalid-input");
            assertNoControlCharacters(p.path("detail").asText());
            assertThat(TreeSnapshot.of(aliceWeb).entries()).containsExactlyEntriesOf(before.entries());
        }
    }

    @Nested
    class Concurrent_sets_on_one_directory {
        @Test
        void leave_exactly_one_well_formed_block() throws Exception {
            String original = "Options -Indexes\n# the tenant's own line\n";
            List<String> versions = List.of("7.4", "8.2", "8.3", "8.2-fpm");
            Map<String, String> expected = new TreeMap<>();
            for (String v : versions) {
                Path ref = freshDir("reference");
                Files.writeString(ref.resolve(".htaccess"), original);
                assertThat(set(alice, rel(ref), v).status()).isEqualTo(200);
                expected.put(Files.readString(ref.resolve(".htaccess")), v);
            }
            assertThat(expected).hasSize(versions.size());
            Path dir = freshDir("concurrent");
            Files.writeString(dir.resolve(".htaccess"), original);
            int threads = 6;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<Reply>>> results = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        List<Reply> mine = new ArrayList<>();
                        for (int i = 0; i < 2; i++) {
                            mine.add(set(alice, rel(dir), versions.get((id + i) % versions.size())));
                        }
                        return mine;
                    }));
                }
                start.countDown();
                for (Future<List<Reply>> f : results) {
                    for (Reply r : f.get(20, TimeUnit.SECONDS)) {
                        assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    }
                }
            } finally {
                pool.shutdownNow();
            }

            String content = Files.readString(dir.resolve(".htaccess"));
            assertThat(content.split(HtaccessBlock.BEGIN, -1)).as(content).hasSize(2);
            assertThat(content.split(HtaccessBlock.END, -1)).as(content).hasSize(2);
            assertThat(expected).as("one of the single-writer results").containsKey(content);
            assertThat(new String(HtaccessBlock.withoutBlock(content.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8)).isEqualTo(original);
            try (Stream<Path> entries = Files.list(dir)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(".htaccess");
            }
            JsonNode setting = show(alice, rel(dir)).json().get(0);
            assertThat(setting.path("version").asText()).isEqualTo(expected.get(content));
            assertThat(setting.path("source").asText()).isEqualTo("directory");
            assertThat(setting.path("managed").asBoolean()).isTrue();
            assertThat(Set.copyOf(versions)).contains(expected.get(content));
        }
    }
}
