package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.it.ApacheFixture.Handler;
import org.hostctl.it.ApacheFixture.Kind;
import org.hostctl.it.ApacheFixture.Response;
import org.hostctl.server.php.HtaccessBlock;
import org.hostctl.server.status.HttpProbe;
import org.hostctl.server.status.ProbeResult;
import org.hostctl.server.status.State;
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
 * hostctl → hostd → a real Apache: every switch made with hostctl is checked twice, by hostctl's own
 * {@code php verify} and by a plain GET of a probe placed by the test ({@code which.php}, printing the
 * {@code HOSTD_PHP_HANDLER} the handler exports and the SAPI). Each test works in its own directories.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhpOnApacheTest {

    private static final String WHICH = "<?php echo getenv('HOSTD_PHP_HANDLER'), ' ', php_sapi_name();\n";
    private static final String CGI = "cgi-fcgi";
    private static final String FPM = "fpm-fcgi";
    private static final String PROBE_PREFIX = "hostd-probe-";

    private ApacheFixture apache;
    private TestHostd hostd;
    private Path docroot;
    private Hostctl alice;
    private Path vanishing;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        ApacheFixture.assumeAvailable();
        apache = ApacheFixture.start(tmp.resolve("run"), tmp.resolve("webspace"));
        docroot = apache.docroot();
        vanishing = Files.createDirectories(tmp.resolve("bin")).resolve("php-cgi8.4");
        Files.copy(Path.of(ApacheFixtureConfig.PHP_CGI), vanishing);
        hostd = TestHostd.start(tmp.resolve("data"), hostdConfig(apache)
                // a php-cgi the host has, behind a handler name this Apache does not define
                + "    - {version: \"8.3\", type: cgi, handler: php83-cgi, binary: " + ApacheFixtureConfig.PHP_CGI
                + "}\n"
                + "    - {version: \"8.1\", type: cgi, handler: php81-cgi, binary: " + ApacheFixtureConfig.PHP_CGI
                + ", available: false}\n"
                + "    - {version: \"8.4\", type: cgi, handler: php84-cgi, binary: " + vanishing + "}\n",
                Fixtures.CLOCK);
        hostd.addAccount("alice", apache.webspace(), List.of(new Docroot(
                apache.webspace().relativize(docroot).toString(), apache.baseUrl() + "/")));
        alice = new Hostctl(Files.createDirectories(tmp.resolve("home")))
                .env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        write(docroot.resolve("which.php"), WHICH);
    }

    @AfterAll
    void stop() {
        try {
            if (hostd != null) {
                hostd.close();
            }
        } finally {
            if (apache != null) {
                apache.close();
            }
        }
    }

    /**
     * hostd.yaml generated from the fixture's handlers: CGI versions by their version ("7.4"), FPM pools as
     * "7.4-fpm" on the pool's socket with the pool's name as marker; the vhost's default handler is the default.
     */
    private static String hostdConfig(ApacheFixture apache) {
        StringBuilder yaml = new StringBuilder("verifyTimeoutSeconds: 5\nphp:\n  default: \"")
                .append(apache.defaultHandler().version()).append("\"\n  versions:\n");
        for (Handler h : apache.handlers()) {
            if (h.kind() == Kind.CGI) {
                yaml.append("    - {version: \"%s\", type: cgi, handler: %s, binary: %s}\n".formatted(h.version(),
                        h.name(), ApacheFixtureConfig.PHP_CGI));
            } else {
                yaml.append("    - {version: \"%s-fpm\", branch: \"%s\", type: fpm, socket: \"%s\", marker: %s}\n"
                        .formatted(h.version(), h.version(), apache.fpmSocket(h.name()), h.name()));
            }
        }
        return yaml.toString();
    }

    // ---------------------------------------------------------------- tests

    @Test
    void the_hostd_config_offers_every_fixture_handler_with_the_vhost_default_as_default() throws IOException {
        JsonNode versions = json(alice.run("php", "versions", "-o", "json"));

        assertThat(versions.findValuesAsText("version")).containsExactly("5.6", "7.4", "8.2", "7.4-fpm", "8.2-fpm",
                "8.3", "8.1", "8.4");
        assertThat(versions.findValuesAsText("state")).containsExactly("installed", "installed", "installed",
                "installed", "installed", "installed", "unavailable", "installed");
        assertThat(versions.get(2).get("isDefault").asBoolean()).isTrue();
        assertThat(versions.get(3).get("handler").asText()).isEqualTo(apache.fpmSetHandler("php74-fpm"));
        assertThat(versions.get(0).get("endOfLife").asBoolean()).isTrue();
        assertThat(versions.get(1).get("endOfLife").asBoolean()).isTrue();
        assertThat(versions.get(2).get("endOfLife").asBoolean()).isFalse();
    }

    @Test
    void initially_every_directory_runs_the_account_default_and_verify_confirms_it() throws IOException {
        Path fresh = dir("fresh/sub");
        write(fresh.resolve("which.php"), WHICH);

        assertRuns("/which.php", "php82-cgi", CGI);
        assertRuns("/fresh/sub/which.php", "php82-cgi", CGI);

        JsonNode verified = verifyOk("public_html");
        assertThat(verified.get("handler").asText()).isEqualTo("php82-cgi");
        assertThat(verified.get("sapi").asText()).isEqualTo(CGI);
        assertThat(verified.get("expectedVersion").asText()).isEqualTo("8.2");
        assertThat(verifyOk("public_html/fresh/sub").get("handler").asText()).isEqualTo("php82-cgi");
        JsonNode shown = json(alice.run("php", "show", "public_html/fresh/sub", "-o", "json"));
        assertThat(shown.get(0).get("source").asText()).isEqualTo("default");
    }

    @Test
    void set_switches_a_directory_and_everything_below_but_not_its_parent() throws IOException {
        Path legacy = dir("legacy");
        write(legacy.resolve("which.php"), WHICH);
        write(dir("legacy/deeper").resolve("which.php"), WHICH);
        assertRuns("/legacy/which.php", "php82-cgi", CGI);

        HostctlRun set = alice.run("php", "set", "7.4", "public_html/legacy", "--allow-eol");

        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertRuns("/legacy/which.php", "php74-cgi", CGI);
        assertRuns("/legacy/deeper/which.php", "php74-cgi", CGI);
        assertRuns("/which.php", "php82-cgi", CGI);

        assertThat(verifyOk("public_html/legacy").get("handler").asText()).isEqualTo("php74-cgi");
        JsonNode deeper = verifyOk("public_html/legacy/deeper");
        assertThat(deeper.get("handler").asText()).isEqualTo("php74-cgi");
        assertThat(deeper.get("sapi").asText()).isEqualTo(CGI);

        JsonNode shown = json(alice.run("php", "show", "public_html/legacy/deeper", "public_html/legacy", "-o",
                "json"));
        assertThat(shown.get(0).get("version").asText()).isEqualTo("7.4");
        assertThat(shown.get(0).get("source").asText()).isEqualTo("inherited");
        assertThat(shown.get(0).get("inheritedFrom").asText()).isEqualTo("public_html/legacy");
        assertThat(shown.get(1).get("source").asText()).isEqualTo("directory");
        assertThat(shown.get(1).get("managed").asBoolean()).isTrue();
    }

    @Test
    void an_FPM_version_runs_its_pool_and_a_CGI_version_below_it_really_runs_CGI() throws IOException {
        Path fpm = dir("fpm");
        write(fpm.resolve("which.php"), WHICH);
        write(dir("fpm/sub").resolve("which.php"), WHICH);
        Path back = dir("fpm/back");
        write(back.resolve("which.php"), WHICH);

        HostctlRun setFpm = alice.run("php", "set", "7.4-fpm", "public_html/fpm", "--allow-eol");

        assertThat(setFpm.exitCode()).as(setFpm.toString()).isZero();
        assertThat(Files.readString(fpm.resolve(".htaccess"))).contains("SetHandler \""
                + apache.fpmSetHandler("php74-fpm") + "\"");
        assertRuns("/fpm/which.php", "php74-fpm", FPM);
        assertRuns("/fpm/sub/which.php", "php74-fpm", FPM);
        assertRuns("/fpm/back/which.php", "php74-fpm", FPM);
        JsonNode verifiedFpm = verifyOk("public_html/fpm");
        assertThat(verifiedFpm.get("handler").asText()).isEqualTo("php74-fpm");
        assertThat(verifiedFpm.get("sapi").asText()).isEqualTo(FPM);

        HostctlRun setCgi = alice.run("php", "set", "5.6", "public_html/fpm/back", "--allow-eol");

        assertThat(setCgi.exitCode()).as(setCgi.toString()).isZero();
        assertThat(Files.readString(back.resolve(".htaccess")))
                .contains("SetHandler php56-cgi").doesNotContain("AddHandler");
        assertRuns("/fpm/back/which.php", "php56-cgi", CGI);
        assertRuns("/fpm/sub/which.php", "php74-fpm", FPM);
        JsonNode verifiedBack = verifyOk("public_html/fpm/back");
        assertThat(verifiedBack.get("handler").asText()).isEqualTo("php56-cgi");
        assertThat(verifiedBack.get("sapi").asText()).isEqualTo(CGI);
    }

    @Test
    void unset_brings_inheritance_back_on_the_next_request() throws IOException {
        Path dyn = dir("dyn");
        write(dyn.resolve("which.php"), WHICH);
        write(dir("dyn/deeper").resolve("which.php"), WHICH);
        assertThat(alice.run("php", "set", "7.4", "public_html/dyn", "--allow-eol").exitCode()).isZero();
        assertRuns("/dyn/which.php", "php74-cgi", CGI);
        assertRuns("/dyn/deeper/which.php", "php74-cgi", CGI);

        HostctlRun unset = alice.run("php", "unset", "public_html/dyn");

        assertThat(unset.exitCode()).as(unset.toString()).isZero();
        assertThat(dyn.resolve(".htaccess")).doesNotExist();
        assertRuns("/dyn/which.php", "php82-cgi", CGI);
        assertRuns("/dyn/deeper/which.php", "php82-cgi", CGI);
        assertThat(verifyOk("public_html/dyn").get("handler").asText()).isEqualTo("php82-cgi");
        assertThat(verifyOk("public_html/dyn/deeper").get("handler").asText()).isEqualTo("php82-cgi");
    }

    @Test
    void the_tenants_own_rewrite_rules_keep_working_and_stay_byte_identical() throws IOException {
        Path shop = dir("shop");
        write(shop.resolve("which.php"), WHICH);
        String tenant = "# shop rules  \n"
                + "RewriteEngine On\n"
                + "\n"
                + "RewriteRule ^hello$ which.php [L]\n"
                + "# end of shop rules";
        byte[] original = tenant.getBytes(StandardCharsets.UTF_8);
        Files.write(shop.resolve(".htaccess"), original);
        assertRuns("/shop/hello", "php82-cgi", CGI);

        assertThat(alice.run("php", "set", "7.4", "public_html/shop", "--allow-eol").exitCode()).isZero();

        assertThat(Files.readString(shop.resolve(".htaccess"))).isEqualTo(HtaccessBlock.BEGIN + "\n"
                + "AddHandler php74-cgi .php\n" + HtaccessBlock.END + "\n" + tenant);
        assertRuns("/shop/hello", "php74-cgi", CGI);
        assertRuns("/shop/which.php", "php74-cgi", CGI);
        assertThat(verifyOk("public_html/shop").get("handler").asText()).isEqualTo("php74-cgi");

        assertThat(alice.run("php", "unset", "public_html/shop").exitCode()).isZero();

        assertThat(Files.readAllBytes(shop.resolve(".htaccess"))).isEqualTo(original);
        assertRuns("/shop/hello", "php82-cgi", CGI);
    }

    @Test
    void an_unknown_handler_is_a_problem_in_show_verify_exits_5_and_removes_its_probe() throws IOException {
        Path typo = dir("typo");
        write(typo.resolve(".htaccess"), "AddHandler php99-cgi .php\n");
        write(typo.resolve("which.php"), WHICH);
        Response direct = apache.get("/typo/which.php");
        assertThat(direct.body()).doesNotContain("php99-cgi", "php82-cgi");

        JsonNode shown = json(alice.run("php", "show", "public_html/typo", "-o", "json"));
        assertThat(shown.get(0).has("version")).isFalse();
        assertThat(shown.get(0).get("handler").asText()).isEqualTo("php99-cgi");
        assertThat(shown.get(0).get("problems").get(0).asText()).contains("php99-cgi");

        HostctlRun run = verify("public_html/typo");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.get("matches").asBoolean()).isFalse();
        assertThat(report.get("httpStatus").asInt()).isEqualTo(direct.status()).isNotZero();
        assertThat(report.get("url").asText()).startsWith(apache.baseUrl() + "/typo/" + PROBE_PREFIX);
        assertThat(run.err()).startsWith("hostctl: public_html/typo: ");
    }

    @Test
    void a_version_whose_handler_Apache_lacks_serves_source_which_verify_and_the_status_probe_report()
            throws IOException {
        Path leak = dir("leak");
        // the customer's own rules opt out of the vhost's guard, which otherwise answers 403
        write(leak.resolve(".htaccess"), "RewriteEngine On\nRewriteOptions IgnoreInherit\n");
        write(leak.resolve("index.php"), "<?php $db_password = 'secret';\n");
        assertThat(alice.run("php", "set", "8.3", "public_html/leak").exitCode()).isZero();
        Response direct = apache.get("/leak/index.php");
        assertThat(direct.status()).isEqualTo(200);
        assertThat(direct.body()).as("Apache publishes the source").contains("$db_password");

        HostctlRun run = verify("public_html/leak");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.err().strip()).isEqualTo("hostctl: public_html/leak: PHP source served: handler not defined"
                + " in the web server");
        assertThat(Json.mapper().readTree(run.out()).get("httpStatus").asInt()).isEqualTo(200);
        java.net.URI site = java.net.URI.create(apache.baseUrl() + "/leak/");
        ProbeResult probed = new HttpProbe(site).run(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5));
        assertThat(probed.state()).isEqualTo(State.DOWN);
        assertThat(probed.detail()).isEqualTo("PHP source served at " + site + ": handler not defined in the web"
                + " server");
        assertThat(alice.run("php", "unset", "public_html/leak").exitCode()).isZero();
    }

    @Test
    void set_refuses_with_exit_5_a_withdrawn_version_and_one_whose_program_is_gone() throws IOException {
        Path old = dir("old");

        HostctlRun withdrawn = alice.run("php", "set", "8.1", "public_html/old", "--allow-eol");

        assertThat(withdrawn.exitCode()).as(withdrawn.toString()).isEqualTo(5);
        assertThat(withdrawn.err()).startsWith("hostctl: PHP 8.1 is not available on this server;");
        assertThat(old.resolve(".htaccess")).doesNotExist();
        Files.delete(vanishing);

        HostctlRun gone = alice.run("php", "set", "8.4", "public_html/old");

        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(5);
        assertThat(gone.err().strip()).isEqualTo("hostctl: PHP 8.4 is not installed on this server (the program "
                + vanishing + " of handler php84-cgi is missing); nothing was changed");
        assertThat(old.resolve(".htaccess")).doesNotExist();
        JsonNode versions = json(alice.run("php", "versions", "-o", "json"));
        assertThat(versions.get(7).get("state").asText()).isEqualTo("missing");
    }

    @Test
    void with_web_connectHost_verify_reaches_a_docroot_whose_name_does_not_resolve(@TempDir Path tmp)
            throws IOException {
        Path named = dir("named");
        String url = "http://alice-site.invalid:" + apache.port() + "/";
        try (TestHostd viaName = TestHostd.start(tmp.resolve("data"), hostdConfig(apache)
                + "web:\n  connectHost: 127.0.0.1\n", Fixtures.CLOCK)) {
            viaName.addAccount("carol", apache.webspace(), List.of(new Docroot(
                    apache.webspace().relativize(docroot).toString(), url)));
            Hostctl carol = new Hostctl(Files.createDirectories(tmp.resolve("home")))
                    .env("HOSTCTL_API_URL", viaName.url())
                    .env("HOSTCTL_TOKEN", viaName.token("carol", false));
            assertThat(carol.run("php", "set", "7.4", "public_html/named", "--allow-eol").exitCode()).isZero();

            HostctlRun run = verify(carol, named, "public_html/named");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode report = Json.mapper().readTree(run.out());
            assertThat(report.get("url").asText()).startsWith(url + "named/" + PROBE_PREFIX);
            assertThat(report.get("handler").asText()).isEqualTo("php74-cgi");
            assertThat(carol.run("php", "unset", "public_html/named").exitCode()).isZero();
        }
    }

    @Test
    void verify_against_a_stopped_Apache_exits_6_and_removes_its_probe(@TempDir Path tmp) throws IOException {
        ApacheFixture shortLived = ApacheFixture.builder(tmp.resolve("run"), tmp.resolve("webspace"))
                .handlers(List.of(Handler.cgi("php82-cgi", "8.2")))
                .start();
        Hostctl bob;
        Path down;
        try {
            hostd.addAccount("bob", shortLived.webspace(), List.of(new Docroot(
                    shortLived.webspace().relativize(shortLived.docroot()).toString(), shortLived.baseUrl() + "/")));
            bob = new Hostctl(Files.createDirectories(tmp.resolve("home")))
                    .env("HOSTCTL_API_URL", hostd.url())
                    .env("HOSTCTL_TOKEN", hostd.token("bob", false));
            down = Files.createDirectories(shortLived.docroot().resolve("down"));
            HostctlRun running = verify(bob, down, "public_html/down");
            assertThat(running.exitCode()).as(running.toString()).isZero();
        } finally {
            shortLived.close();
        }

        HostctlRun stopped = verify(bob, down, "public_html/down");

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(6);
        JsonNode report = Json.mapper().readTree(stopped.out());
        assertThat(report.get("httpStatus").asInt()).isZero();
        assertThat(report.get("matches").asBoolean()).isFalse();
        assertThat(report.get("url").asText()).startsWith(shortLived.baseUrl() + "/down/" + PROBE_PREFIX);
    }

    // ---------------------------------------------------------------- helpers

    /** GET {@code path} through Apache and assert which handler and SAPI ran it. */
    private void assertRuns(String path, String handler, String sapi) {
        Response response = apache.get(path);
        assertThat(response.status()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        assertThat(response.body()).as("GET %s", path).isEqualTo(handler + " " + sapi);
    }

    /** {@code php verify PATH -o json} that must succeed; the probe must be gone afterwards. */
    private JsonNode verifyOk(String path) throws IOException {
        HostctlRun run = verify(path);
        JsonNode report = json(run);
        assertThat(report.get("matches").asBoolean()).isTrue();
        assertThat(report.get("httpStatus").asInt()).isEqualTo(200);
        assertThat(report.get("path").asText()).isEqualTo(path);
        return report;
    }

    private HostctlRun verify(String path) throws IOException {
        return verify(alice, apache.webspace().resolve(path), path);
    }

    /**
     * Runs {@code php verify PATH -o json} and asserts that the directory holds exactly the same entries
     * afterwards (the probe was deleted) and that the probe URL carried a random probe name.
     */
    private static HostctlRun verify(Hostctl who, Path dir, String path) throws IOException {
        Set<String> before = entries(dir);
        assertThat(before).noneMatch(name -> name.startsWith(PROBE_PREFIX));

        HostctlRun run = who.run("php", "verify", path, "-o", "json");

        assertThat(entries(dir)).as("%s after verify (%s)", dir, run).isEqualTo(before);
        assertThat(Json.mapper().readTree(run.out()).get("url").asText()).as(run.toString())
                .matches(".*/" + PROBE_PREFIX + "[0-9a-f]{32}\\.php");
        return run;
    }

    private static Set<String> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static JsonNode json(HostctlRun run) throws IOException {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.mapper().readTree(run.out());
    }

    /** A directory below the docroot, readable by the unprivileged workers. */
    private Path dir(String relative) throws IOException {
        Path dir = Files.createDirectories(docroot.resolve(relative));
        for (Path p = dir; !p.equals(docroot); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    /** A file readable by the unprivileged workers whatever the umask. */
    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
