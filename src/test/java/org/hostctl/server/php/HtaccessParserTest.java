package org.hostctl.server.php;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.hostctl.server.php.Directive.Kind;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HtaccessParserTest {
    private static final String FPM = "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost";

    private static List<Directive> parse(String text) {
        return HtaccessParser.parse(text.getBytes(UTF_8)).directives();
    }

    private static Directive d(Kind kind, String value, int line) {
        return new Directive(kind, value, line, false);
    }

    @Nested
    class Add_handler {
        @ParameterizedTest
        @ValueSource(strings = {"AddHandler php74-cgi .php", "addhandler php74-cgi php", "ADDHANDLER php74-cgi .PHP",
            "  AddHandler\tphp74-cgi .php5 .php .phtml  ", "AddHandler \"php74-cgi\" '.php'"})
        void applies_to_php_in_any_spelling(String line) {
            assertThat(parse(line)).containsExactly(d(Kind.ADD_HANDLER, "php74-cgi", 1));
        }

        @Test
        void other_extensions_are_ignored() {
            assertThat(parse("AddHandler cgi-script .cgi .pl\nAddHandler php74-cgi .phtml\nAddHandler x")).isEmpty();
        }

        @Test
        void the_last_one_wins_and_remove_handler_cancels() {
            ParsedHtaccess parsed = HtaccessParser.parse(
                    "AddHandler php56-cgi .php\nAddHandler php74-cgi .php\n".getBytes(UTF_8));
            assertThat(parsed.mimeHandler()).contains(d(Kind.ADD_HANDLER, "php74-cgi", 2));
            parsed = HtaccessParser.parse("AddHandler php74-cgi .php\nRemoveHandler .html .PHP\n".getBytes(UTF_8));
            assertThat(parsed.mimeHandler()).contains(d(Kind.REMOVE_HANDLER, ".PHP", 2));
        }

        @Test
        void cpanel_style_type_names_are_kept_as_written() {
            assertThat(parse("<IfModule mime_module>\n  AddHandler application/x-httpd-ea-php81 .php .php8 .phtml\n"
                    + "</IfModule>")).containsExactly(d(Kind.ADD_HANDLER, "application/x-httpd-ea-php81", 2));
        }
    }

    @Nested
    class Set_handler {
        @ParameterizedTest
        @ValueSource(strings = {"<FilesMatch \\.php$>", "<FilesMatch \"\\.php$\">", "<filesmatch '\\.php$'>",
            "<FilesMatch \".+\\.ph(?:ar|p|tml)$\">", "<Files \"*.php\">", "<Files ~ \"\\.php$\">", "<Files index.php>",
            "<IfModule proxy_fcgi_module>"})
        void applies_inside_sections_matching_php(String open) {
            String close = open.startsWith("<IfModule") ? "</IfModule>" : "</FilesMatch>";
            assertThat(parse(open + "\n    SetHandler \"" + FPM + "\"\n" + close))
                    .containsExactly(d(Kind.SET_HANDLER, FPM, 2));
        }

        @ParameterizedTest
        @ValueSource(strings = {"<FilesMatch \"\\.html$\">", "<FilesMatch \"(\">", "<Files \"*.html\">",
            "<Files wp-config.php>", "<FilesMatch>"})
        void is_ignored_inside_sections_not_matching_php(String open) {
            assertThat(parse(open + "\n  SetHandler php74-cgi\n</FilesMatch>\nSetHandler php56-cgi"))
                    .containsExactly(d(Kind.SET_HANDLER, "php56-cgi", 4));
        }

        @Test
        void nested_sections_all_have_to_match() {
            assertThat(parse("<IfModule mod_mime.c>\n<FilesMatch \"\\.html$\">\n<IfModule x>\nSetHandler a\n"
                    + "</IfModule>\n</FilesMatch>\nSetHandler b\n</IfModule>\nSetHandler c"))
                    .extracting(Directive::value).containsExactly("b", "c");
        }

        @Test
        void the_last_one_wins() {
            ParsedHtaccess parsed = HtaccessParser.parse(("SetHandler php56-cgi\n<FilesMatch \\.php$>\n"
                    + "SetHandler php74-cgi\n</FilesMatch>\nAddHandler php82-cgi .php\n").getBytes(UTF_8));
            assertThat(parsed.setHandler()).contains(d(Kind.SET_HANDLER, "php74-cgi", 3));
            assertThat(parsed.mimeHandler()).contains(d(Kind.ADD_HANDLER, "php82-cgi", 5));
        }
    }

    @Test
    void add_type_for_php_is_reported() {
        assertThat(parse("AddType application/x-httpd-php56 .php\nAddType text/html .php\n"
                + "AddType application/x-httpd-ea-php70 .php7"))
                .containsExactly(d(Kind.ADD_TYPE, "application/x-httpd-php56", 1));
    }

    @Test
    void continuation_lines_are_joined_and_numbered_by_their_first_line() {
        assertThat(parse("# x\nAddHandler php74-cgi \\\n    .html \\\n    .php\nSetHandler a"))
                .containsExactly(d(Kind.ADD_HANDLER, "php74-cgi", 2), d(Kind.SET_HANDLER, "a", 5));
    }

    @Test
    void comments_are_ignored_including_a_continued_comment() {
        assertThat(parse("# AddHandler php56-cgi .php\n  #SetHandler x\n# note \\\nAddHandler php74-cgi .php\n"))
                .isEmpty();
    }

    @Test
    void directives_in_the_hostd_block_are_flagged() {
        String text = "AddHandler php56-cgi .php\n" + HtaccessBlock.BEGIN + "\nAddHandler php74-cgi .php\n"
                + HtaccessBlock.END + "\nAddHandler php82-cgi .php\n";
        assertThat(parse(text)).containsExactly(d(Kind.ADD_HANDLER, "php56-cgi", 1),
                new Directive(Kind.ADD_HANDLER, "php74-cgi", 3, true), d(Kind.ADD_HANDLER, "php82-cgi", 5));
    }

    @Nested
    class Encodings_and_junk {
        @Test
        void crlf_cr_only_bom_and_no_final_newline_give_the_same_lines() {
            String[] variants = {"A\r\nAddHandler php74-cgi .php\r\n\r\nSetHandler x\r\n",
                "A\rAddHandler php74-cgi .php\r\rSetHandler x", "\uFEFFA\nAddHandler php74-cgi .php\n\nSetHandler x"};
            for (String variant : variants) {
                assertThat(parse(variant)).as(variant)
                        .containsExactly(d(Kind.ADD_HANDLER, "php74-cgi", 2), d(Kind.SET_HANDLER, "x", 4));
            }
        }

        @Test
        void a_bom_before_the_first_directive_is_not_part_of_its_name() {
            assertThat(parse("\uFEFFAddHandler php74-cgi .php")).containsExactly(d(Kind.ADD_HANDLER, "php74-cgi", 1));
        }

        @Test
        void binary_junk_nul_and_invalid_utf8_do_not_stop_the_parser() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {0, 0, (byte) 0xFF, (byte) 0xFE, '<', (byte) 0xC3, (byte) 0x28, '\n'});
            out.writeBytes(new byte[] {'A', 'd', 'd', 'H', 'a', 'n', 'd', 'l', 'e', 'r', ' ', (byte) 0xE2, (byte) 0x82,
                ' ', '.', 'p', 'h', 'p', '\n'});
            out.writeBytes("</x>\nRewriteRule \"unterminated\nAddHandler php\u00007 .php\nSetHandler 'a\\'b'\n"
                    .getBytes(UTF_8));
            List<Directive> found = HtaccessParser.parse(out.toByteArray()).directives();
            assertThat(found).extracting(Directive::line).containsExactly(2, 5, 6);
            assertThat(found.get(0).value()).isEqualTo("\uFFFD");
            assertThat(found.get(1).value()).isEqualTo("php\u00007");
            assertThat(found.get(2).value()).isEqualTo("a'b");
        }

        @Test
        @Timeout(30) // a bound against a quadratic parser, not a speed measurement: the machine may be loaded
        void a_five_megabyte_file_parses_to_its_last_line() {
            StringBuilder text = new StringBuilder();
            int i = 0;
            while (text.length() < 5_000_000) {
                text.append("RewriteCond %{REQUEST_URI} ^/old-").append(i).append("/ [NC]\n")
                        .append("RewriteRule ^old-").append(i++).append("/(.*)$ /new/$1 [R=301,L]\n");
            }
            text.append("AddHandler php74-cgi .php\n");
            byte[] bytes = text.toString().getBytes(UTF_8);
            ParsedHtaccess parsed = HtaccessParser.parse(bytes);
            assertThat(parsed.mimeHandler()).map(Directive::value).contains("php74-cgi");
        }
    }
}
