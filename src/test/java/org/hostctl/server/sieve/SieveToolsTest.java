package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hostctl.support.SieveToolsRequired;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SieveToolsTest {
    @Test
    void compile_errors_lose_the_file_name_prefix_and_the_summary_line() {
        List<String> lines = SieveTools.messages("""
                script: line 4: error: expected end of command ';' or the beginning of a compound block '{', but found '}'.
                script: error: parse failed.
                sievec: Fatal: failed to compile sieve script '/tmp/x/script.sieve'
                """);

        assertThat(SieveTools.errors(lines)).containsExactly("line 4: error: expected end of command ';' or the"
                + " beginning of a compound block '{', but found '}'.");
        assertThat(SieveTools.errors(List.of("error: validation failed."))).containsExactly("error: validation failed.");
    }

    @Test
    void sieve_test_output_becomes_actions_and_implicit_keep() {
        SieveTools.TestOutcome zip = SieveTools.parseTest("""

                Performed actions:

                 * store message in folder: Archive
                        + create mailbox if it does not exist

                Implicit keep:

                  (none)

                """);
        SieveTools.TestOutcome plain = SieveTools.parseTest("\nPerformed actions:\n\n  (none)\n\nImplicit keep:\n\n"
                + " * store message in folder: INBOX\n\n");

        assertThat(zip.actions()).containsExactly("store message in folder: Archive + create mailbox if it does not"
                + " exist");
        assertThat(zip.implicitKeep()).isFalse();
        assertThat(plain.actions()).isEmpty();
        assertThat(plain.implicitKeep()).isTrue();
    }

    @Test
    void sievec_returns_warnings_and_never_touches_dev_null() throws Exception {
        SieveToolsRequired.check();
        SieveTools tools = SieveTools.of(null, null, Duration.ofSeconds(10));
        Object devNull = Files.getAttribute(Path.of("/dev/null"), "unix:rdev");

        assertThat(tools.compile("require \"vacation\";\nvacation :days 0 \"x\";\n"))
                .containsExactly("line 2: warning: specified :days value '0' is under the minimum.");
        assertThatThrownBy(() -> tools.compile("fileinto \"x\";\n")).isInstanceOfSatisfying(SieveCompileException.class,
                e -> assertThat(e.errors()).singleElement().asString().startsWith("line 1: error: "));

        assertThat(Files.isRegularFile(Path.of("/dev/null"))).isFalse();
        assertThat(Files.getAttribute(Path.of("/dev/null"), "unix:rdev")).isEqualTo(devNull);
    }

    @Test
    void a_run_that_takes_too_long_is_stopped() throws Exception {
        Path slow = Files.createTempFile("slow-sievec", ".sh");
        try {
            Files.writeString(slow, "#!/bin/sh\nsleep 30\n");
            slow.toFile().setExecutable(true);
            SieveTools tools = new SieveTools(slow, null, Duration.ofMillis(300));
            long start = System.nanoTime();

            assertThatThrownBy(() -> tools.compile("keep;")).isInstanceOf(SieveException.class)
                    .hasMessageContaining("did not finish");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            Files.delete(slow);
        }
    }
}
