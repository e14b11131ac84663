package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A mistyped command or option gets one line naming it and the closest name, exit 2. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MistypedCommandTest {
    @TempDir
    Path home;

    static Stream<Arguments> typos() {
        return Stream.of(
                Arguments.of(new String[] {"mailbx", "list"},
                        "hostctl: unknown command 'mailbx'; did you mean 'mailbox'?\n"
                                + "Run 'hostctl --help' for usage.\n"),
                Arguments.of(new String[] {"stauts"},
                        "hostctl: unknown command 'stauts'; did you mean 'status'?\n"
                                + "Run 'hostctl --help' for usage.\n"),
                Arguments.of(new String[] {"mailbox", "lst"},
                        "hostctl: unknown command 'mailbox lst'; did you mean 'mailbox list'?\n"
                                + "Run 'hostctl mailbox --help' for usage.\n"),
                Arguments.of(new String[] {"mail", "log", "stast"},
                        "hostctl: unknown command 'mail log stast'; did you mean 'mail log stats'?\n"
                                + "Run 'hostctl mail log --help' for usage.\n"),
                Arguments.of(new String[] {"mail", "log", "--form", "a@example.com"},
                        "hostctl: unknown option '--form'; did you mean '--from'?\n"
                                + "Run 'hostctl mail log --help' for usage.\n"),
                Arguments.of(new String[] {"--outptu", "json", "mailbox", "list"},
                        "hostctl: unknown option '--outptu'; did you mean '--output'?\n"
                                + "Run 'hostctl --help' for usage.\n"),
                Arguments.of(new String[] {"frobnicate"},
                        "hostctl: unknown command 'frobnicate'\nRun 'hostctl --help' for usage.\n"));
    }

    @ParameterizedTest
    @MethodSource("typos")
    void a_typo_is_named_with_the_closest_name(String[] args, String err) {
        HostctlRun r = new Hostctl(home).run(args);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(err);
    }

    @Test
    void the_distance_counts_a_swap_as_one() {
        assertThat(CliExceptionHandler.distance("stauts", "status")).isEqualTo(1);
        assertThat(CliExceptionHandler.distance("mailbx", "mailbox")).isEqualTo(1);
        assertThat(CliExceptionHandler.distance("abc", "xyz")).isEqualTo(3);
    }
}
