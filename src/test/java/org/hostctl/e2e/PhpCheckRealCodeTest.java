package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
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
 * Real code from Debian packages - WordPress 6.1 ({@code wordpress}) and phpMyAdmin 5.2 ({@code phpmyadmin}),
 * installed by .ci/install-packages - copied into a webspace (links resolved) and checked against the PHP 8.2
 * they are packaged for: PHP 8.2's own parser accepts every file and no removal is reported as breaking.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhpCheckRealCodeTest {
    private static final Path WORDPRESS = Path.of("/usr/share/wordpress");
    private static final Path PHPMYADMIN = Path.of("/usr/share/phpmyadmin");

    TestHostd hostd;
    Path web;
    String token;

    @TempDir
    Path home;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/php8.2")), "php8.2 is not installed");
        assumeTrue(Files.isRegularFile(WORDPRESS.resolve("wp-includes/version.php")), "wordpress is not installed");
        assumeTrue(Files.isRegularFile(PHPMYADMIN.resolve("index.php")), "phpmyadmin is not installed");
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        web = Files.createDirectories(tmp.resolve("web"));
        copy(WORDPRESS, web.resolve("public_html/wordpress"));
        copy(PHPMYADMIN, web.resolve("public_html/phpmyadmin"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        token = hostd.token("alice", false);
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    /** Copies a tree, resolving links (Debian links parts of both packages to /usr/share/php and /etc). */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p) && Files.isReadable(p)) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private JsonNode check(String dir) throws IOException {
        HostctlRun run = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token)
                .run("php", "check", "8.2", dir, "-r", "-o", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private static Map<String, Integer> count(JsonNode report, String level) {
        Map<String, Integer> out = new TreeMap<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("level").asText().equals(level)) {
                out.merge(f.get("name").asText(), 1, Integer::sum);
            }
        }
        return out;
    }

    @Test
    void wordpress_runs_on_php_8_2_without_a_breaking_finding() throws IOException {
        JsonNode r = check("public_html/wordpress");

        assertThat(r.get("syntaxChecked").asBoolean()).as("PHP 8.2 parsed every file").isTrue();
        assertThat(r.get("files").asInt()).isEqualTo(952);
        assertThat(r.get("skipped").size()).isZero();
        assertThat(r.get("breaking").asInt()).isZero();
        assertThat(r.get("warnings").asInt()).isEqualTo(7);
        assertThat(r.get("guarded").asInt()).isEqualTo(56);
        assertThat(count(r, "warning")).containsExactly(Map.entry("mbstring.func_overload", 5),
                Map.entry("safe_mode", 2));
        Map<String, Integer> guarded = count(r, "guarded");
        // wpdb's mysql_* fallback next to mysqli_*, WordPress's own mysql_to_rfc3339(), xmlrpc.php's
        // $HTTP_RAW_POST_DATA under phpcs:disable, random_compat's mcrypt behind extension_loaded('mcrypt')
        assertThat(guarded).containsEntry("mysql_query", 4).containsEntry("mysql_to_rfc3339", 6)
                .containsEntry("$HTTP_RAW_POST_DATA", 9).containsEntry("mcrypt_create_iv", 1);
        assertThat(guarded.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(56);
    }

    @Test
    void phpmyadmin_runs_on_php_8_2_without_a_breaking_finding() throws IOException {
        JsonNode r = check("public_html/phpmyadmin");

        assertThat(r.get("syntaxChecked").asBoolean()).isTrue();
        assertThat(r.get("files").asInt()).isEqualTo(630);
        assertThat(r.get("skipped").size()).isZero();
        assertThat(r.get("breaking").asInt()).isZero();
        assertThat(count(r, "warning")).containsExactly(Map.entry("mbstring.func_overload", 1));
        assertThat(count(r, "guarded")).containsExactly(Map.entry("recode_string", 1));
    }

    @Test
    void the_same_tree_with_one_legacy_file_added_is_refused() throws IOException {
        Path plugin = Files.createDirectories(web.resolve("public_html/wordpress/wp-content/plugins/old-stats"));
        Files.writeString(plugin.resolve("old-stats.php"), "<?php\n/* Plugin Name: Old Stats */\n"
                + "$r = mysql_query('SELECT COUNT(*) FROM wp_posts');\n");
        try {
            HostctlRun run = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token)
                    .run("php", "check", "8.2", "public_html/wordpress", "-r");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.out().strip().split("\n")).filteredOn(l -> l.contains("breaks")).singleElement()
                    .asString().contains("wp-content/plugins/old-stats/old-stats.php").contains("mysql_query");
        } finally {
            Files.delete(plugin.resolve("old-stats.php"));
            Files.delete(plugin);
        }
    }
}
