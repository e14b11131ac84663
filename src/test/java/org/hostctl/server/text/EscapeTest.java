package org.hostctl.server.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EscapeTest {
    @Test
    void line_escapes_control_characters() {
        assertThat(Escape.line("a\nb\u001bc")).isEqualTo("a\\x0ab\\x1bc");
        assertThat(Escape.line(null)).isEmpty();
    }

    @Test
    void printable_drops_control_characters_and_folds_white_space() {
        assertThat(Escape.printable("  * BYE\r\n\tgone\u0000\u0007 now\u2028 ", 200)).isEqualTo("* BYE gone now");
        assertThat(Escape.printable("\u001b[31mred\u200b", 200)).isEqualTo("[31mred");
        assertThat(Escape.printable(null, 10)).isEmpty();
    }

    @Test
    void printable_is_cut_at_the_limit() {
        assertThat(Escape.printable("x".repeat(500), 80)).hasSize(80);
        assertThat(Escape.printable("abc def", 4)).isEqualTo("abc");
        assertThat(Escape.printable("abc def", 5)).isEqualTo("abc d");
    }
}
