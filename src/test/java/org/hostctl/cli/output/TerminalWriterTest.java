package org.hostctl.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TerminalWriterTest {
    final StringWriter target = new StringWriter();
    final TerminalWriter w = TerminalWriter.of(new PrintWriter(target, true));

    @Test
    void controls_become_visible_escapes_and_tab_lf_and_crlf_pass() {
        w.print("a\u001b[2Jb\u009bc\u202ed\u2066e\u2028f\u200fg\u007fh\u0000i\tj\r\nk\rl\n");
        w.flush();

        assertThat(target.toString())
                .isEqualTo("a\\x1b[2Jb\\x9bc\\u202ed\\u2066e\\u2028f\\u200fg\\x7fh\\x00i\tj\r\nk\\x0dl\n");
    }

    @Test
    void a_cr_split_from_its_lf_across_writes_still_passes_and_a_trailing_one_is_escaped() {
        w.print("x\r");
        w.flush();
        assertThat(target.toString()).isEqualTo("x");
        w.println();
        w.print("y\r");
        w.close();

        assertThat(target.toString()).isEqualTo("x\r\ny\\x0d");
    }

    @Test
    void every_print_method_is_filtered() {
        w.print('\u001b');
        w.write("\u009b".toCharArray());
        w.printf("%s", "\u001b");
        w.append("\u202e");
        w.println("\u001b");
        w.flush();

        assertThat(target.toString()).isEqualTo("\\x1b\\x9b\\x1b\\u202e\\x1b\n");
    }

    @Test
    void only_hostctls_own_sequences_pass_unescaped() {
        w.control("\u001b[31m");
        w.print("red\u001b[0m");
        w.control("\u001b[0m");
        w.flush();

        assertThat(target.toString()).isEqualTo("\u001b[31mred\\x1b[0m\u001b[0m");
    }

    @Test
    void wrapping_twice_returns_the_same_writer() {
        assertThat(TerminalWriter.of(w)).isSameAs(w);
    }
}
