package org.hostctl.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hostctl.api.Json;
import org.junit.jupiter.api.Assumptions;

/**
 * Roundcube's managesieve plugin, run with the installed PHP on {@code roundcube/rules.php}: its script parser and
 * writer judge the rules hostctl reads and writes. Tests needing it fail under CI=true when it is missing and are
 * skipped otherwise.
 */
public final class Roundcube {
    static final Path PHP = Path.of("/usr/bin/php");
    static final Path LIB = Path.of("/usr/share/roundcube/plugins/managesieve/lib/Roundcube/rcube_sieve_script.php");

    private Roundcube() {}

    /** Aborts (or, on CI, fails) the calling test unless PHP and the managesieve plugin are installed. */
    public static void required() {
        for (Path p : new Path[] {PHP, LIB}) {
            if (!Files.exists(p)) {
                String message = p + " is not installed (Debian: php8.2-cli, roundcube-plugins; "
                        + ".ci/install-packages installs them)";
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
        }
    }

    /** Roundcube's reading of {@code script}: {@code rules} in hostctl's terms and {@code text}, its as_text(). */
    public static JsonNode parse(String script) {
        try {
            return Json.mapper().readTree(run("parse", script));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The script Roundcube writes for these rule arrays (its add_rule() and as_text()), given as JSON. */
    public static String make(String rulesJson) {
        return run("make", rulesJson);
    }

    private static String run(String mode, String input) {
        try {
            Path driver = Path.of(Roundcube.class.getResource("/roundcube/rules.php").toURI());
            Process p = new ProcessBuilder(PHP.toString(), "-d", "display_errors=stderr", "-d",
                    "error_reporting=E_ALL", driver.toString(), mode).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("php did not finish in 60 s");
            }
            String stderr = new String(err.get(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("php exit status; stderr: %s", stderr).isZero();
            assertThat(stderr).as("php's warnings").isEmpty();
            return new String(out.get(), StandardCharsets.UTF_8);
        } catch (IOException | URISyntaxException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
