package org.hostctl.server.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TenantTextTest {
    @Test
    void one_line_refuses_every_control_c1_bidi_and_separator_character() {
        for (int cp : new int[] {0, '\t', '\n', '\r', 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x61c, 0x200e, 0x200f,
            0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029}) {
            assertThat(TenantText.refused("ab" + Character.toString(cp), false)).as("U+%04X", cp)
                    .startsWith(String.format("U+%04X", cp)).endsWith("at character 3");
        }
    }

    @Test
    void a_text_allows_line_feeds_and_tabs_and_letters_of_any_script() {
        assertThat(TenantText.refused("Grüße,\n\tשלום 👋 مرحبا", true)).isNull();
        assertThat(TenantText.refused("a\u202eb", true)).isEqualTo("U+202E (RIGHT-TO-LEFT OVERRIDE) at character 2");
        assertThat(TenantText.refused("👋\u009b", true)).isEqualTo("U+009B (CONTROL SEQUENCE INTRODUCER) at character 2");
    }
}
