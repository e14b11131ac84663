package org.hostctl.server.php.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hostctl.api.PhpFinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The legacy guestbook in src/test/resources/php-legacy, checked with the installed PHP's tokenizer (and, for 8.2,
 * its parser) against 7.0, 7.2, 8.0 and 8.2: every finding at its line, nothing from comments, strings, heredocs
 * or methods of the same names.
 */
class PhpCheckLegacyTest {
    /** line, name, removed in, level: every finding in guestbook.php for the newest target. */
    private static final String[][] GUESTBOOK = {
        {"4", "mysql_connect", "7.0", "breaks"},
        {"5", "mysql_select_db", "7.0", "breaks"},
        {"7", "ereg", "7.0", "breaks"},
        {"8", "split", "7.0", "breaks"},
        {"10", "$HTTP_RAW_POST_DATA", "7.0", "breaks"},
        {"13", "mysql_query", "7.0", "breaks"},
        {"15", "each", "8.0", "breaks"},
        {"18", "create_function", "8.0", "breaks"},
        {"19", "curly-offset", "8.0", "breaks"},
        {"20", "money_format", "8.0", "breaks"},
        {"21", "mcrypt_create_iv", "7.2", "breaks"},
        {"31", "magic_quotes_runtime", "5.4", "warning"},
        {"32", "(real)", "8.0", "breaks"},
        {"35", "asp-tags", "7.0", "breaks"},
        {"36", "script-tag", "7.0", "breaks"},
        {"39", "asp-tags", "7.0", "breaks"},
    };
    private static final String[][] HELPERS = {
        {"18", "mysql_real_escape_string", "7.0", "guarded"},
        {"23", "__autoload", "8.0", "breaks"},
    };

    static PhpBinaries binaries;

    @BeforeAll
    static void php() {
        binaries = PhpBinaries.system();
        assumeTrue(binaries.forBranch(new PhpBranch(8, 2)).isPresent(), "php8.2 is not installed");
    }

    static CompatChecker.Result check(String target, String... files) throws IOException {
        List<CompatChecker.Source> sources = new ArrayList<>();
        for (String f : files) {
            try (InputStream in = PhpCheckLegacyTest.class.getResourceAsStream("/php-legacy/" + f)) {
                sources.add(new CompatChecker.Source(f, in.readAllBytes()));
            }
        }
        CompatChecker checker = new CompatChecker(binaries, PhpScanner.forThisProcess(Duration.ofSeconds(30)),
                RemovalRules.builtIn(), 2);
        return checker.check(PhpBranch.parse(target), sources.iterator(), n -> { });
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0", "7.2", "8.0", "8.2"})
    void everyRemovalIsFoundAtItsLineForTheTarget(String target) throws IOException {
        CompatChecker.Result r = check(target, "guestbook.php", "helpers.php");
        PhpBranch t = PhpBranch.parse(target);
        assertThat(lines(r, "guestbook.php")).isEqualTo(expected(GUESTBOOK, t));
        assertThat(lines(r, "helpers.php")).isEqualTo(expected(HELPERS, t));
        assertThat(r.syntaxBinary().isPresent()).isEqualTo(target.equals("8.2"));
        for (PhpFinding f : r.findings()) {
            assertThat(f.source()).startsWith("https://www.php.net/manual/en/migration");
            assertThat(f.message()).contains("PHP " + f.removedIn());
        }
    }

    @Test
    void theTargetsOwnParserJudgesTheSyntaxAndAFileThatDoesNotParseIsAFinding() throws IOException {
        CompatChecker.Result r = check("8.2", "broken.php");
        assertThat(r.syntaxBinary()).isPresent();
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("syntax-error");
            assertThat(f.line()).isEqualTo(4);
            assertThat(f.level()).isEqualTo("breaks");
            assertThat(f.message()).contains("PHP 8.2 cannot parse this file").contains("syntax error");
        });
        assertThat(check("8.0", "broken.php").findings()).as("8.0 is not installed: no parser, no finding")
                .isEmpty();
    }

    @Test
    void guardedCallsAreListedButNotCounted() throws IOException {
        CompatChecker.Result r = check("8.2", "guarded.php", "polyfill.php");
        Map<Integer, String> byLine = r.findings().stream()
                .collect(Collectors.toMap(PhpFinding::line, f -> f.level() + " " + f.name(), (a, b) -> a + ";" + b,
                        TreeMap::new));
        assertThat(byLine).containsExactly(
                Map.entry(6, "guarded mysql_query"),
                Map.entry(12, "guarded ereg"),
                Map.entry(17, "guarded each"),
                Map.entry(21, "guarded split"),
                Map.entry(25, "breaks mysql_close"));
        assertThat(r.findings().get(0).guard()).contains("mysqli_query");
        assertThat(r.findings().get(1).guard()).contains("function_exists('ereg')");
        assertThat(r.findings().get(2).guard()).contains("declares each()");
        assertThat(r.findings().get(3).guard()).contains("phpcs");
    }

    @Test
    void aFunctionLookedUpByNameOrAnExtensionCheckedElsewhereGuardsButAnImportDoesNot() throws IOException {
        CompatChecker.Result r = check("8.2", "engines.php", "imports.php", "loader.php", "mcrypt_random.php");

        assertThat(r.findings()).extracting(f -> f.file() + ":" + f.line() + " " + f.level() + " " + f.name())
                .containsExactlyInAnyOrder("engines.php:13 guarded recode_string",
                        "imports.php:6 breaks money_format", "mcrypt_random.php:4 guarded mcrypt_create_iv");
        assertThat(r.findings()).filteredOn(f -> f.file().equals("engines.php")).singleElement()
                .satisfies(f -> assertThat(f.guard()).contains("names 'recode_string' as data"));
        assertThat(r.findings()).filteredOn(f -> f.file().equals("mcrypt_random.php")).singleElement()
                .satisfies(f -> assertThat(f.guard()).isEqualTo("a file in the same directory checks"
                        + " extension_loaded('mcrypt') (loader.php line 2)"));
    }

    @Test
    void theCheckedCodeIsNeverRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.nio.file.Path marker = tmp.resolve("ran");
        String code = "<?php\nfile_put_contents('" + marker + "', 'x');\n__halt_compiler();\n";
        CompatChecker checker = new CompatChecker(binaries, PhpScanner.forThisProcess(Duration.ofSeconds(30)),
                RemovalRules.builtIn(), 1);

        CompatChecker.Result r = checker.check(PhpBranch.parse("8.2"), List.of(new CompatChecker.Source("x.php",
                code.getBytes(java.nio.charset.StandardCharsets.UTF_8))).iterator(), n -> { });

        assertThat(r.files()).isEqualTo(1);
        assertThat(r.findings()).isEmpty();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aScannerThatTakesTooLongIsStoppedWithOneLine() {
        byte[] big = ("<?php\n" + "$a = array(1, 2, 3);\n".repeat(200_000)).getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        List<byte[]> batch = java.util.Collections.nCopies(20, big);
        PhpScanner slow = PhpScanner.forThisProcess(Duration.ofMillis(300));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> slow.scan(binaries.forBranch(
                new PhpBranch(8, 2)).orElseThrow(), true, RemovalRules.builtIn(), batch, i -> { }))
                .isInstanceOf(PhpScanner.ScanException.class)
                .hasMessage("the PHP scanner did not finish within 0.3 s");
    }

    private static Map<Integer, String> lines(CompatChecker.Result r, String file) {
        Map<Integer, String> out = new TreeMap<>();
        for (PhpFinding f : r.findings()) {
            if (f.file().equals(file)) {
                out.merge(f.line(), f.name() + " " + f.removedIn() + " " + f.level(), (a, b) -> a + ";" + b);
            }
        }
        return out;
    }

    private static Map<Integer, String> expected(String[][] table, PhpBranch target) {
        Map<Integer, String> out = new TreeMap<>();
        for (String[] row : table) {
            if (target.atLeast(PhpBranch.parse(row[2]))) {
                out.put(Integer.parseInt(row[0]), row[1] + " " + row[2] + " " + row[3]);
            }
        }
        return out;
    }
}
