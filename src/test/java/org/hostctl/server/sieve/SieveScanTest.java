package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SieveScanTest {
    private static List<SieveScan.Command> scan(String script) {
        return SieveScan.commands(script, List.of("redirect", "vacation", "notify"));
    }

    @Test
    void finds_redirect_targets_in_quoted_strings_and_text_literals_with_their_lines() {
        List<SieveScan.Command> c = scan("""
                require ["copy"];
                if header :contains "subject" "redirect \\"x@no.example\\"" {
                  redirect :copy "a\\"b@one.example";
                }
                REDIRECT text:
                ..dotted@two.example
                .
                ;
                """);

        assertThat(c).extracting(SieveScan.Command::name).containsExactly("redirect", "redirect");
        assertThat(c.get(0).lastStrings()).containsExactly("a\"b@one.example");
        assertThat(c.get(0).line()).isEqualTo(3);
        assertThat(c.get(1).lastStrings()).containsExactly(".dotted@two.example\n");
        assertThat(c.get(1).line()).isEqualTo(5);
    }

    @Test
    void ignores_commands_in_comments_and_strings() {
        assertThat(scan("# redirect \"a@b.example\";\n/* redirect \"c@d.example\"; */ keep;\n"
                + "fileinto \"redirect\";")).isEmpty();
    }

    @Test
    void reads_vacation_numbers_with_quantifiers_and_the_from_address() {
        SieveScan.Command v = scan("vacation :days 1K :from \"me@example.com\" :subject \"s\" \"body\";").get(0);

        assertThat(v.number(":days")).isEqualTo(1024);
        assertThat(v.number(":seconds")).isNull();
        assertThat(v.string(":from")).isEqualTo("me@example.com");
        assertThat(scan("vacation :seconds 0 \"x\";").get(0).number(":seconds")).isZero();
    }

    @Test
    void mailto_targets_include_to_cc_and_bcc_fields() {
        assertThat(SieveScan.mailtoTargets("mailto:a@b.example,c%40d.example?cc=e@f.example&subject=x&BCC=g@h.example"))
                .containsExactly("a@b.example", "c@d.example", "e@f.example", "g@h.example");
        assertThat(SieveScan.mailtoTargets("xmpp:a@b.example")).isEmpty();
    }

    @Test
    void an_unterminated_string_ends_the_scan_without_failing() {
        assertThat(scan("redirect \"a@b.example")).hasSize(1);
        assertThat(scan("redirect text:\nno end")).hasSize(1);
    }
}
