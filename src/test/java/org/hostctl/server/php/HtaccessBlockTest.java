package org.hostctl.server.php;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HtaccessBlockTest {
    private static final String B = HtaccessBlock.BEGIN;
    private static final String E = HtaccessBlock.END;
    private static final HandlerDirective PHP74 = HandlerDirective.addHandler("php74-cgi");
    private static final String FPM = "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static final byte[] JUNK = concat(bytes("RewriteEngine On\n"), new byte[] {0, 1, (byte) 0xFF, (byte) 0xC3,
        (byte) 0x28, '\n', (byte) 0xE2, (byte) 0x82, '\r', 0x1B, '[', '3', '1', 'm', '\n'}, bytes("# caf\u00e9"));

    @Nested
    class With_block {
        @Test
        void an_empty_file_gets_just_the_block() {
            assertThat(HtaccessBlock.withBlock(new byte[0], PHP74))
                    .isEqualTo(bytes(B + "\nAddHandler php74-cgi .php\n" + E + "\n"));
        }

        @Test
        void a_new_block_goes_on_top_and_foreign_lines_stay_byte_identical() {
            byte[] original = bytes("# BEGIN WordPress\nRewriteEngine On\nRewriteRule . /index.php [L]\n# END WordPress\n");
            assertThat(HtaccessBlock.withBlock(original, PHP74))
                    .isEqualTo(concat(bytes(B + "\nAddHandler php74-cgi .php\n" + E + "\n"), original));
        }

        @Test
        void a_crlf_file_gets_crlf_lines() {
            byte[] original = bytes("RewriteEngine On\r\nRewriteBase /\r\n");
            assertThat(HtaccessBlock.withBlock(original, PHP74))
                    .isEqualTo(concat(bytes(B + "\r\nAddHandler php74-cgi .php\r\n" + E + "\r\n"), original));
        }

        @Test
        void a_cr_only_file_gets_lf_lines_and_keeps_its_bytes() {
            byte[] original = bytes("RewriteEngine On\rRewriteBase /\r");
            assertThat(HtaccessBlock.withBlock(original, PHP74))
                    .isEqualTo(concat(bytes(B + "\nAddHandler php74-cgi .php\n" + E + "\n"), original));
        }

        @Test
        void the_block_goes_after_a_bom() {
            byte[] original = concat(BOM, bytes("Options -Indexes\n"));
            assertThat(HtaccessBlock.withBlock(original, PHP74)).isEqualTo(concat(BOM,
                    bytes(B + "\nAddHandler php74-cgi .php\n" + E + "\n"), bytes("Options -Indexes\n")));
        }

        @Test
        void a_missing_final_newline_stays_missing() {
            byte[] original = bytes("Options -Indexes");
            assertThat(HtaccessBlock.withBlock(original, PHP74))
                    .isEqualTo(bytes(B + "\nAddHandler php74-cgi .php\n" + E + "\nOptions -Indexes"));
        }

        @Test
        void an_existing_block_is_replaced_in_place() {
            String before = "Options -Indexes\n# BEGIN WordPress\n";
            String after = "RewriteEngine On\n";
            byte[] original = bytes(before + B + "\nAddHandler php56-cgi .php\n" + E + "\n" + after);
            assertThat(HtaccessBlock.withBlock(original, HandlerDirective.setHandler(FPM))).isEqualTo(bytes(before + B
                    + "\n<FilesMatch \"\\.php$\">\n    SetHandler \"" + FPM + "\"\n</FilesMatch>\n" + E + "\n" + after));
        }

        @Test
        void a_block_at_the_end_without_final_newline_stays_without() {
            byte[] original = bytes("Options -Indexes\r\n" + B + "\r\nAddHandler php56-cgi .php\r\n" + E);
            assertThat(HtaccessBlock.withBlock(original, PHP74))
                    .isEqualTo(bytes("Options -Indexes\r\n" + B + "\r\nAddHandler php74-cgi .php\r\n" + E));
        }

        @Test
        void setting_twice_keeps_exactly_one_block() {
            byte[] once = HtaccessBlock.withBlock(bytes("Options -Indexes\n"), PHP74);
            byte[] twice = HtaccessBlock.withBlock(once, HandlerDirective.addHandler("php82-cgi"));
            assertThat(new String(twice, UTF_8))
                    .isEqualTo(B + "\nAddHandler php82-cgi .php\n" + E + "\nOptions -Indexes\n");
        }

        @Test
        void a_cgi_handler_under_a_set_handler_ancestor_uses_files_match() {
            assertThat(new String(HtaccessBlock.withBlock(new byte[0], HandlerDirective.setHandler("php74-cgi")), UTF_8))
                    .isEqualTo(B + "\n<FilesMatch \"\\.php$\">\n    SetHandler php74-cgi\n</FilesMatch>\n" + E + "\n");
        }

        @Test
        void junk_outside_the_block_is_kept_byte_for_byte() {
            byte[] result = HtaccessBlock.withBlock(JUNK, PHP74);
            assertThat(result).endsWith(JUNK);
            assertThat(HtaccessBlock.withoutBlock(result)).isEqualTo(JUNK);
        }
    }

    @Nested
    class Without_block {
        @Test
        void removes_exactly_the_block_lines() {
            byte[] original = bytes("A\r\n" + B + "\r\nAddHandler php74-cgi .php\r\n" + E + "\r\nB\r\n");
            assertThat(HtaccessBlock.withoutBlock(original)).isEqualTo(bytes("A\r\nB\r\n"));
        }

        @Test
        void a_file_holding_only_the_block_becomes_empty() {
            assertThat(HtaccessBlock.withoutBlock(HtaccessBlock.withBlock(new byte[0], PHP74))).isEmpty();
        }

        @Test
        void a_file_without_block_is_returned_unchanged() {
            assertThat(HtaccessBlock.withoutBlock(JUNK)).isEqualTo(JUNK);
        }

        @Test
        void the_cpanel_block_is_not_ours() {
            String cpanel = "# php -- BEGIN cPanel-generated handler, do not edit\n<IfModule mime_module>\n"
                    + "  AddHandler application/x-httpd-ea-php81 .php .php8 .phtml\n</IfModule>\n"
                    + "# php -- END cPanel-generated handler, do not edit\n";
            assertThat(HtaccessBlock.withoutBlock(bytes(cpanel))).isEqualTo(bytes(cpanel));
            assertThat(HtaccessBlock.contains(bytes(cpanel))).isFalse();
        }
    }

    static Stream<Arguments> originals() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("no final newline", bytes("Options -Indexes")),
                Arguments.of("lf", bytes("Options -Indexes\nDirectoryIndex index.php\n")),
                Arguments.of("crlf", bytes("Options -Indexes\r\nDirectoryIndex index.php\r\n")),
                Arguments.of("cr only", bytes("Options -Indexes\rDirectoryIndex index.php")),
                Arguments.of("mixed", bytes("a\r\nb\nc\rd")),
                Arguments.of("bom only", BOM),
                Arguments.of("bom and text", concat(BOM, bytes("Options -Indexes\r\n"))),
                Arguments.of("blank lines", bytes("\n\n\n")),
                Arguments.of("junk", JUNK),
                Arguments.of("latin-1", "AddDefaultCharset ISO-8859-1\n# Gr\u00fc\u00dfe\n".getBytes(ISO_8859_1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("originals")
    void set_then_unset_returns_the_original_bytes(String name, byte[] original) {
        byte[] set = HtaccessBlock.withBlock(original, PHP74);
        assertThat(HtaccessBlock.find(set)).isPresent();
        byte[] fpm = HtaccessBlock.withBlock(set, HandlerDirective.setHandler(FPM));
        assertThat(HtaccessBlock.withoutBlock(set)).isEqualTo(original);
        assertThat(HtaccessBlock.withoutBlock(fpm)).isEqualTo(original);
    }

    @Nested
    class Markers {
        @Test
        void markers_inside_other_content_are_not_markers() {
            String text = "RewriteRule ^x$ - [E=note:" + B + "]\n# see " + E + " below\n"
                    + "Header set X-Note \"" + B + "\"\n";
            assertThat(HtaccessBlock.find(bytes(text))).isEmpty();
            assertThat(HtaccessBlock.withoutBlock(bytes(text))).isEqualTo(bytes(text));
            assertThat(HtaccessBlock.withBlock(bytes(text), PHP74)).endsWith(bytes(text));
        }

        @Test
        void indented_markers_with_trailing_blanks_still_count() {
            byte[] original = bytes("x\n  " + B + " \t\nAddHandler php56-cgi .php\n\t" + E + "  \ny\n");
            assertThat(HtaccessBlock.find(original)).contains(new HtaccessBlock.Span(2, original.length - 2, 2, 4));
            assertThat(HtaccessBlock.withoutBlock(original)).isEqualTo(bytes("x\ny\n"));
        }

        @Test
        void a_marker_on_the_first_line_after_a_bom_is_found() {
            byte[] original = concat(BOM, bytes(B + "\nAddHandler php56-cgi .php\n" + E + "\nrest\n"));
            assertThat(HtaccessBlock.withoutBlock(original)).isEqualTo(concat(BOM, bytes("rest\n")));
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("a\n" + B + "\nAddHandler php74-cgi .php\n", "line 2: hostd BEGIN marker without END marker"),
                Arguments.of("a\nb\n" + E + "\n", "line 3: hostd END marker without BEGIN marker"),
                Arguments.of(B + "\n" + E + "\n" + B + "\n" + E + "\n", "line 3: second hostd block (the first is on lines 1-2)"),
                Arguments.of(B + "\r\nx\r\n" + B + "\r\n" + E + "\r\n", "line 3: hostd BEGIN marker inside the block opened on line 1"),
                Arguments.of(B + "\n" + E + "\n" + E + "\n", "line 3: hostd END marker without BEGIN marker"),
                Arguments.of(B + "\rx\r" + E + "\r" + E, "line 4: hostd END marker without BEGIN marker"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void malformed(String text, String message) {
        assertThatThrownBy(() -> HtaccessBlock.withBlock(bytes(text), PHP74))
                .isInstanceOf(HtaccessException.class).hasMessage(message);
        assertThatThrownBy(() -> HtaccessBlock.withoutBlock(bytes(text)))
                .isInstanceOf(HtaccessException.class).hasMessage(message);
    }

    @Nested
    class Handler_values {
        @ParameterizedTest
        @ValueSource(strings = {"php74-cgi\nphp_value auto_prepend_file /etc/passwd", "php74-cgi\r\nSetHandler x",
            "php74-cgi\r", "../x", "..", "-php", ".php", "\"php74-cgi\"", "php74'", "\u001b[31mphp74", "", " php74",
            "php74 ", "php74-cgi .php", "php\u00e974", "php74/cgi", "application/x-httpd-php74", "php74\u0000",
            "php74\u2028", "${HANDLER}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
        void bad_handler_names_are_refused(String name) {
            assertThatThrownBy(() -> HandlerDirective.addHandler(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> HandlerDirective.setHandler(name)).isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"proxy:unix:/run/php.sock|fcgi://localhost\nSetHandler x",
            "proxy:http://127.0.0.1:18081/", "proxy:unix:run/php.sock|fcgi://localhost",
            "proxy:unix:/run/../etc/x.sock|fcgi://localhost", "proxy:unix:/run/a b.sock|fcgi://localhost",
            "proxy:unix:/run/\"x.sock|fcgi://localhost", "proxy:unix:/run/${HOME}.sock|fcgi://localhost",
            "proxy:unix:/run/x.sock|fcgi://evil.example", "proxy:unix:/run/x.sock|fcgi://localhost|x",
            "proxy:unix:|fcgi://localhost", "proxy:unix:/run//x.sock|fcgi://localhost"})
        void bad_proxy_values_are_refused(String value) {
            assertThatThrownBy(() -> HandlerDirective.setHandler(value)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void good_values_produce_the_documented_lines() {
            assertThat(HandlerDirective.addHandler("php8.2-fpm").lines()).containsExactly("AddHandler php8.2-fpm .php");
            assertThat(HandlerDirective.setHandler(FPM).lines()).containsExactly("<FilesMatch \"\\.php$\">",
                    "    SetHandler \"" + FPM + "\"", "</FilesMatch>");
            assertThat(HandlerDirective.proxyUrl("/run/php/php8.2-fpm.sock")).isEqualTo(FPM);
            assertThat(HandlerDirective.isHandlerName("a".repeat(64))).isTrue();
        }

        @Test
        void add_handler_does_not_accept_a_proxy_url() {
            assertThatThrownBy(() -> HandlerDirective.addHandler(FPM)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
