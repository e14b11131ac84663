package org.hostctl.cli.sieverules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RuleScriptTest {
    /** As Roundcube 1.6 writes it (as_text), CRLF line ends. */
    static final String WEBMAIL = String.join("\r\n",
            "require [\"body\",\"fileinto\",\"regex\"];",
            "# rule:[zip]",
            "if body :raw :regex \"filename=\\\".+\\\\.zip\\\"\"",
            "{",
            "\tfileinto \"Archive\";",
            "}",
            "# rule:[boss]",
            "if false # allof (header :contains \"from\" \"boss@example.com\", size :over 100K)",
            "{",
            "\tfileinto \"Boss\";",
            "\tstop;",
            "}",
            "");

    static final List<RuleTest> SUBJECT_SALE = List.of(RuleTest.header("subject", "contains", List.of("sale")));
    static final List<RuleAction> DISCARD = List.of(RuleAction.simple("discard"));

    @Nested
    class Reading {
        @Test
        void a_webmail_script_gives_its_rules_with_tests_and_actions() {
            RuleScript s = RuleScript.parse(WEBMAIL);
            assertThat(s.webmail()).isTrue();
            List<Rule> rules = s.rules();
            assertThat(rules).extracting(Rule::name).containsExactly("zip", "boss");
            assertThat(rules).extracting(Rule::enabled).containsExactly(true, false);
            Rule zip = rules.get(0);
            assertThat(zip.join()).isEqualTo("anyof");
            assertThat(zip.tests()).containsExactly(RuleTest.body("raw", "regex", List.of("filename=\".+\\.zip\"")));
            assertThat(zip.actions()).containsExactly(RuleAction.fileinto("Archive", false, false));
            assertThat(zip.sieve()).isEqualTo("# rule:[zip]\r\nif body :raw :regex \"filename=\\\".+\\\\.zip\\\"\"\r\n"
                    + "{\r\n\tfileinto \"Archive\";\r\n}\r\n");
            Rule boss = rules.get(1);
            assertThat(boss.join()).isEqualTo("allof");
            assertThat(boss.tests()).containsExactly(RuleTest.header("from", "contains", List.of("boss@example.com")),
                    RuleTest.size(true, "100K"));
            assertThat(boss.actions()).containsExactly(RuleAction.fileinto("Boss", false, false),
                    RuleAction.simple("stop"));
        }

        @Test
        void a_rule_hostctl_does_not_understand_is_listed_with_its_text_only() {
            String script = "require [\"date\",\"fileinto\",\"relational\"];\n# rule:[old]\n"
                    + "if currentdate :value \"lt\" \"date\" \"2020-01-01\"\n{\n\tfileinto \"Old\";\n}\n";
            RuleScript s = RuleScript.parse(script);
            assertThat(s.webmail()).isTrue();
            Rule old = s.rules().get(0);
            assertThat(old.name()).isEqualTo("old");
            assertThat(old.tests()).isNull();
            assertThat(old.join()).isNull();
            assertThat(old.sieve()).startsWith("# rule:[old]\n");
        }

        @Test
        void a_hand_written_script_is_raw_statements_with_the_reason() {
            String script = "require \"fileinto\";\n# sort\nif header :is \"x-spam\" \"yes\" {\n  fileinto \"Junk\";\n}"
                    + " else {\n  keep;\n}\ndiscard;\n";
            RuleScript s = RuleScript.parse(script);
            assertThat(s.webmail()).isFalse();
            assertThat(s.reason()).isEqualTo("line 3: 'if' is not inside a rule of the webmail (a '# rule:[NAME]' "
                    + "comment and one 'if')");
            assertThat(s.rules()).extracting(Rule::sieve).containsExactly(
                    "if header :is \"x-spam\" \"yes\" {\n  fileinto \"Junk\";\n} else {\n  keep;\n}", "discard;");
            assertThat(s.rules()).extracting(Rule::format).containsOnly("raw");
        }

        @Test
        void elsif_after_a_webmail_rule_makes_the_script_raw() {
            String script = "# rule:[a]\nif true\n{\n\tstop;\n}\nelse\n{\n\tkeep;\n}\n";
            assertThat(RuleScript.parse(script).reason()).isEqualTo("line 6: 'else' continues the rule 'a'; the "
                    + "webmail writes each rule as one 'if'");
        }

        @Test
        void an_empty_script_is_in_the_webmail_format_without_rules() {
            assertThat(RuleScript.parse("").webmail()).isTrue();
            assertThat(RuleScript.parse("").rules()).isEmpty();
        }
    }

    @Nested
    class Changing {
        @Test
        void adding_to_an_empty_script_writes_roundcube_text_and_the_require() {
            RuleScript s = RuleScript.parse("").add("zip", true, "anyof",
                    List.of(RuleTest.body("raw", "regex", List.of("filename=\".+\\.zip\""))),
                    List.of(RuleAction.fileinto("Archive", true, false)), null);
            assertThat(s.text()).isEqualTo("require [\"body\",\"fileinto\",\"mailbox\",\"regex\"];\r\n# rule:[zip]\r\n"
                    + "if body :raw :regex \"filename=\\\".+\\\\.zip\\\"\"\r\n{\r\n\tfileinto :create \"Archive\";\r\n}\r\n");
        }

        @Test
        void adding_keeps_every_other_byte_and_extends_the_require() {
            RuleScript s = RuleScript.parse(WEBMAIL).add("sale", true, "anyof", SUBJECT_SALE,
                    List.of(RuleAction.flags("addflag", List.of("\\Seen"))), "boss");
            String[] parts = WEBMAIL.split("\r\n", 2);
            assertThat(s.text()).isEqualTo("require [\"body\",\"fileinto\",\"imap4flags\",\"regex\"];\r\n"
                    + parts[1].replace("# rule:[boss]", "# rule:[sale]\r\nif header :contains \"subject\" \"sale\"\r\n"
                            + "{\r\n\taddflag \"\\\\Seen\";\r\n}\r\n# rule:[boss]"));
        }

        @Test
        void removing_the_last_body_rule_drops_body_and_regex_from_the_require() {
            RuleScript s = RuleScript.parse(WEBMAIL).remove("zip");
            assertThat(s.text()).isEqualTo("require [\"fileinto\"];\r\n" + WEBMAIL.substring(WEBMAIL.indexOf("# rule:[boss]")));
        }

        @Test
        void removing_every_rule_leaves_one_line_break_and_no_require() {
            assertThat(RuleScript.parse(WEBMAIL).remove("zip").remove("boss").text()).isEqualTo("\r\n");
        }

        @Test
        void disabling_and_enabling_is_what_the_webmail_writes() {
            RuleScript s = RuleScript.parse(WEBMAIL);
            RuleScript enabled = s.enable("boss", true);
            assertThat(enabled.text()).isEqualTo(WEBMAIL.replace("if false # allof", "if allof"));
            assertThat(enabled.enable("boss", false).text()).isEqualTo(WEBMAIL);
            assertThat(s.enable("boss", false)).isSameAs(s);
        }

        @Test
        void a_rule_with_its_brace_on_the_if_line_is_rewritten_when_disabled() {
            String script = "require \"fileinto\";\n# rule:[a]\nif header :is \"x\" \"y\" {\n  fileinto \"A\";\n}\n";
            assertThat(RuleScript.parse(script).enable("a", false).text()).isEqualTo(
                    "require \"fileinto\";\n# rule:[a]\nif false # header :is \"x\" \"y\"\n{\n\tfileinto \"A\";\n}\n");
        }

        @Test
        void moving_puts_the_rule_before_the_other_unchanged() {
            RuleScript s = RuleScript.parse(WEBMAIL).move("boss", "zip");
            int zip = WEBMAIL.indexOf("# rule:[zip]");
            int boss = WEBMAIL.indexOf("# rule:[boss]");
            assertThat(s.text()).isEqualTo(WEBMAIL.substring(0, zip) + WEBMAIL.substring(boss)
                    + WEBMAIL.substring(zip, boss));
            assertThat(s.move("boss", null).text()).isEqualTo(WEBMAIL);
        }

        @Test
        void a_hand_written_script_refuses_changes_saying_why() {
            RuleScript s = RuleScript.parse("if true { keep; }\n");
            assertThatThrownBy(() -> s.add("x", true, "anyof", SUBJECT_SALE, DISCARD, null))
                    .isInstanceOf(RuleException.class).hasMessage("the script is not in the webmail's rule format "
                            + "(line 1: 'if' is not inside a rule of the webmail (a '# rule:[NAME]' comment and one 'if'))")
                    .extracting(e -> ((RuleException) e).kind()).isEqualTo(RuleException.Kind.NOT_WEBMAIL);
        }

        @Test
        void names_are_unique_and_must_exist() {
            RuleScript s = RuleScript.parse(WEBMAIL);
            assertThatThrownBy(() -> s.add("zip", true, "anyof", SUBJECT_SALE, DISCARD, null))
                    .hasMessage("a rule named 'zip' exists already");
            assertThatThrownBy(() -> s.remove("nope")).hasMessage("no rule named 'nope'")
                    .extracting(e -> ((RuleException) e).kind()).isEqualTo(RuleException.Kind.NOT_FOUND);
            assertThatThrownBy(() -> s.add("x", true, "anyof", SUBJECT_SALE, DISCARD, "nope"))
                    .hasMessage("no rule named 'nope'");
        }

        @Test
        void a_value_with_a_line_break_is_refused() {
            assertThatThrownBy(() -> RuleScript.parse("").add("x", true, "anyof",
                    List.of(RuleTest.header("subject", "is", List.of("a\nb"))), DISCARD, null))
                    .hasMessage("a value to look for holds a line break or NUL, which a rule cannot");
        }
    }
}
