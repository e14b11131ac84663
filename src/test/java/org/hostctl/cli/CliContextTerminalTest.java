package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CliContextTerminalTest {

    @Test
    void terminal_devices_are_terminals_and_pipes_files_and_sockets_are_not() {
        assertThat(CliContext.isTerminal("/dev/pts/3")).isTrue();
        assertThat(CliContext.isTerminal("/dev/tty1")).isTrue();
        assertThat(CliContext.isTerminal("/dev/console")).isTrue();
        assertThat(CliContext.isTerminal("pipe:[123456]")).isFalse();
        assertThat(CliContext.isTerminal("socket:[99]")).isFalse();
        assertThat(CliContext.isTerminal("/home/alice/out.txt")).isFalse();
        assertThat(CliContext.isTerminal("/dev/null")).isFalse();
        assertThat(CliContext.isTerminal("")).isFalse();
    }

    @Test
    void stdout_of_the_real_process_is_asked_of_the_kernel_when_stdin_is_no_terminal() {
        // the test JVM writes to a pipe or file: not a terminal, whatever stdin is
        assertThat(CliContext.system().stdoutTerminal()).isFalse();
    }

    @Test
    void a_context_made_for_tests_follows_its_interactive_flag() {
        CliContext tty = new CliContext(Map.of(), Path.of("/"), new ByteArrayInputStream(new byte[0]), true,
                p -> null, p -> null, (u, t, w) -> null);
        CliContext piped = new CliContext(Map.of(), Path.of("/"), new ByteArrayInputStream(new byte[0]), false,
                p -> null, p -> null, (u, t, w) -> null);
        assertThat(tty.stdoutTerminal()).isTrue();
        assertThat(piped.stdoutTerminal()).isFalse();
        assertThat(tty.forShell(new ByteArrayInputStream(new byte[0]), false, p -> null, p -> null,
                (u, t, w) -> null).stdoutTerminal()).isTrue();
    }
}
