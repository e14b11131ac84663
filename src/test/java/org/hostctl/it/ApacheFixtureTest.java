package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.hostctl.it.ApacheFixture.Handler;
import org.hostctl.it.ApacheFixture.Kind;
import org.hostctl.it.ApacheFixture.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the fixture with hand-written .htaccess files; each test works in its own subdirectory. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ApacheFixtureTest {

    private static final String PROBE = """
            <?php echo 'handler=', getenv('HOSTD_PHP_HANDLER'), ' sapi=', php_sapi_name();
            """;
    private static final String LIMITS = """
            <?php echo 'memory_limit=', ini_get('memory_limit');
            """;
    private static final String UID = """
            <?php preg_match('/^Uid:\\s+(\\d+)/m', file_get_contents('/proc/self/status'), $m); echo $m[1];
            """;

    private static final Path SHOP = Path.of("shop.example/htdocs");

    @TempDir
    static Path tmp;

    private static ApacheFixture apache;
    private static Path docroot;

    @BeforeAll
    static void startApache() throws IOException {
        ApacheFixture.assumeAvailable();
        apache = ApacheFixture.builder(tmp.resolve("run"), tmp.resolve("webspace"))
                .docroot(Path.of("public_html"))
                .docroot(SHOP)
                .start();
        docroot = apache.docroot();
        write("probe.php", PROBE);
    }

    @AfterAll
    static void stopApache() {
        if (apache != null) {
            apache.close();
        }
    }

    @Test
    void docroot_runs_the_account_default_handler() {
        assertThat(apache.get("/probe.php")).satisfies(ok("handler=php82-cgi sapi=cgi-fcgi"));
    }

    @Test
    void AddHandler_in_htaccess_switches_its_subtree_but_not_the_parent() throws IOException {
        write("legacy/.htaccess", "AddHandler php74-cgi .php\n");
        write("legacy/probe.php", PROBE);
        write("legacy/deeper/probe.php", PROBE);

        assertThat(apache.get("/legacy/probe.php")).satisfies(ok("handler=php74-cgi sapi=cgi-fcgi"));
        assertThat(apache.get("/legacy/deeper/probe.php")).satisfies(ok("handler=php74-cgi sapi=cgi-fcgi"));
        assertThat(apache.get("/probe.php")).satisfies(ok("handler=php82-cgi sapi=cgi-fcgi"));
    }

    @Test
    void each_CGI_handler_reads_its_own_php_ini() throws IOException {
        write("ini56/.htaccess", "AddHandler php56-cgi .php\n");
        write("ini56/limits.php", LIMITS);
        write("limits.php", LIMITS);

        assertThat(apache.get("/ini56/limits.php")).satisfies(ok("memory_limit=56M"));
        assertThat(apache.get("/limits.php")).satisfies(ok("memory_limit=82M"));
    }

    @Test
    void SetHandler_to_an_FPM_socket_runs_that_pool() throws IOException {
        write("fpm/.htaccess", """
                <FilesMatch \\.php$>
                    SetHandler "proxy:unix:%s|fcgi://localhost"
                </FilesMatch>
                """.formatted(apache.fpmSocket("php74-fpm")));
        write("fpm/probe.php", PROBE);
        write("fpm/sub/probe.php", PROBE);
        write("fpm/limits.php", LIMITS);

        assertThat(apache.get("/fpm/probe.php")).satisfies(ok("handler=php74-fpm sapi=fpm-fcgi"));
        assertThat(apache.get("/fpm/sub/probe.php")).satisfies(ok("handler=php74-fpm sapi=fpm-fcgi"));
        assertThat(apache.get("/fpm/limits.php")).satisfies(ok("memory_limit=74M"));
    }

    @Test
    void an_unknown_handler_name_gets_403_from_the_guard_instead_of_the_source() throws IOException {
        write("typo/.htaccess", "AddHandler php99-cgi .php\n");
        write("typo/probe.php", PROBE);

        Response response = apache.get("/typo/probe.php");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("<?php", "getenv");
    }

    @Test
    void htaccess_and_user_ini_are_not_served() throws IOException {
        write("secret/.htaccess", "AddHandler php74-cgi .php\n");
        write("secret/.user.ini", "memory_limit = 99M\n");

        assertThat(apache.get("/secret/.htaccess").status()).isEqualTo(403);
        assertThat(apache.get("/secret/.user.ini").status()).isEqualTo(403);
    }

    @Test
    void removing_the_htaccess_restores_inheritance_on_the_next_request() throws IOException {
        write("dyn/.htaccess", "AddHandler php56-cgi .php\n");
        write("dyn/probe.php", PROBE);
        assertThat(apache.get("/dyn/probe.php")).satisfies(ok("handler=php56-cgi sapi=cgi-fcgi"));

        Files.delete(docroot.resolve("dyn/.htaccess"));

        assertThat(apache.get("/dyn/probe.php")).satisfies(ok("handler=php82-cgi sapi=cgi-fcgi"));
    }

    @Test
    void every_docroot_has_its_own_vhost_and_an_htaccess_above_the_docroots_is_ignored() throws IOException {
        Path shop = apache.webspace().resolve(SHOP);
        Files.writeString(shop.resolve("probe.php"), PROBE);
        Files.writeString(apache.webspace().resolve(".htaccess"), "AddHandler php56-cgi .php\n");

        assertThat(apache.baseUrl(SHOP)).isNotEqualTo(apache.baseUrl());
        assertThat(apache.get(shop, "/probe.php")).satisfies(ok("handler=php82-cgi sapi=cgi-fcgi"));
        assertThat(apache.get("/probe.php")).satisfies(ok("handler=php82-cgi sapi=cgi-fcgi"));
    }

    @Test
    void handler_wrappers_are_reachable_only_through_the_internal_redirect() {
        assertThat(apache.get("/.hostd-php/php82-cgi.fcgi").status()).isEqualTo(403);
    }

    @Test
    void PHP_does_not_run_as_root() throws IOException {
        write("uid.php", UID);
        write("uid-fpm/.htaccess", """
                <FilesMatch \\.php$>
                    SetHandler "%s"
                </FilesMatch>
                """.formatted(apache.fpmSetHandler("php82-fpm")));
        write("uid-fpm/uid.php", UID);

        assertThat(apache.get("/uid.php").body()).isNotEqualTo("0").matches("\\d+");
        assertThat(apache.get("/uid-fpm/uid.php").body()).isNotEqualTo("0").matches("\\d+");
    }

    @Test
    void handlers_are_described_for_generating_hostd_config() {
        assertThat(apache.handlers()).extracting(Handler::name, Handler::version, Handler::kind).containsExactly(
                tuple("php56-cgi", "5.6", Kind.CGI),
                tuple("php74-cgi", "7.4", Kind.CGI),
                tuple("php82-cgi", "8.2", Kind.CGI),
                tuple("php74-fpm", "7.4", Kind.FPM),
                tuple("php82-fpm", "8.2", Kind.FPM));
        assertThat(apache.defaultHandler().name()).isEqualTo("php82-cgi");
        assertThat(apache.fpmSocket("php74-fpm")).isEqualTo(apache.runDir().resolve("run/fpm-php74.sock")).exists();
        assertThat(apache.baseUrl(docroot)).hasToString("http://127.0.0.1:" + apache.port());
    }

    private static Consumer<Response> ok(String body) {
        return response -> {
            assertThat(response.status()).as("status of a response with body %s", response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
        };
    }

    private static void write(String relative, String text) throws IOException {
        Path file = docroot.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
