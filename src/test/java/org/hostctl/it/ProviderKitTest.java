package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider kit as a whole: its placeholders are few, named the same in every file and explained in README; the
 * systemd unit passes {@code systemd-analyze verify}. (The Apache, php-fpm, Dovecot and Postfix files are proved by
 * the fixtures that start from them.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProviderKitTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z][A-Z_]*@");
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @Test
    void every_placeholder_is_explained_in_its_file_and_in_README() throws IOException {
        Set<String> all = new TreeSet<>();
        for (Path file : files()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Set<String> used = placeholders(text);
            String header = text.lines().takeWhile(l -> l.startsWith("#") || l.startsWith(";"))
                    .reduce("", (a, b) -> a + b + "\n");
            for (String p : used) {
                assertThat(header).as("%s explains %s in its opening comment", ProviderKit.DIR.relativize(file), p)
                        .contains(p);
            }
            all.addAll(used);
        }
        String readme = Files.readString(Path.of(System.getProperty("hostctl.project.dir", "."))
                .resolve("README.md"), StandardCharsets.UTF_8);
        for (String p : all) {
            assertThat(readme).as("README explains %s", p).contains(p);
        }
        assertThat(all).as("few placeholders").hasSizeLessThanOrEqualTo(40);
    }

    @Test
    void the_systemd_unit_passes_systemd_analyze_verify(@TempDir Path tmp) throws Exception {
        FixtureSupport.assumeComplete("systemd-analyze",
                Files.isExecutable(SYSTEMD_ANALYZE) ? List.of() : List.of(SYSTEMD_ANALYZE.toString()));
        Path unit = tmp.resolve("hostd.service");
        Path home = Path.of(System.getProperty("hostctl.project.dir", ".")).resolve("src/dist").toAbsolutePath()
                .normalize();
        Files.writeString(unit, ProviderKit.render("systemd/hostd.service", Map.of(
                "HOSTD_HOME", home.toString(), "DATA_DIR", tmp.resolve("data").toString())));

        Process p = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("no warnings about hostd.service").doesNotContain("hostd.service:");
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(ProviderKit.DIR)) {
            List<Path> files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
            assertThat(files).isNotEmpty();
            return files;
        }
    }
}
