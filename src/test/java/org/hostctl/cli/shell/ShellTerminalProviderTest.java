package org.hostctl.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;
import org.junit.jupiter.api.Test;

/**
 * The interactive shell switches the terminal's modes around every prompt; with JLine's exec provider each
 * switch runs {@code stty}, which made one command at the prompt take about 80 ms instead of about 11.
 * The shell's terminal comes from JLine's JNI provider (jline-terminal-jni over jline-native).
 */
class ShellTerminalProviderTest {
    @Test
    void theShellsTerminalComesFromTheJniProviderBeforeStty() {
        List<TerminalProvider> providers = TerminalBuilder.builder().getProviders(null, new IllegalStateException());

        assertThat(providers).extracting(TerminalProvider::name).first().isEqualTo("jni");
        assertThat(providers).extracting(TerminalProvider::name).contains("exec"); // the fallback
    }

    @Test
    void theNativeLibraryLoadsAndAnswers() throws Exception {
        TerminalProvider jni = TerminalProvider.load("jni");

        // isatty(3) through JNI: a test's standard input is a pipe or /dev/null, never a terminal
        assertThat(jni.isSystemStream(SystemStream.Input)).isFalse();
    }
}
