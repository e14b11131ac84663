package org.hostctl.cli.sieverules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.support.Roundcube;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Roundcube's managesieve plugin (rcube_sieve_script, run by the installed PHP) judges the rules: every script hostctl
 * writes parses there into exactly the rules hostctl lists, and Roundcube writes it back byte for byte; scripts
 * Roundcube writes are listed and edited by hostctl without losing anything.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RoundcubeJudgeTest {
    @BeforeEach
    void roundcube() {
        Roundcube.required();
    }

    /** A script with every test and action hostctl writes, one rule disabled. */
    static RuleScript everything() {
        RuleScript s = RuleScript.parse("");
        s = s.add("zip attachments", true, "anyof",
                List.of(RuleTest.body("raw", "regex", List.of("filename=\".+\\.zip\""))),
                List.of(RuleAction.fileinto("Archive", true, false)), null);
        s = s.add("boss", false, "allof",
                List.of(RuleTest.header("from", "contains", List.of("boss@example.com")), RuleTest.size(true, "100K")),
                List.of(RuleAction.fileinto("Boss", false, true), RuleAction.simple("stop")), null);
        s = s.add("news [weekly]", true, "anyof",
                List.of(RuleTest.header("subject", "matches", List.of("*[news]*", "*digest*")),
                        new RuleTest("exists", false, null, null, null, List.of("list-id"), null, null, null)),
                List.of(RuleAction.flags("addflag", List.of("\\Seen", "\\Flagged")),
                        RuleAction.fileinto("News", false, false)),
                null);
        s = s.add("not spam", true, "anyof",
                List.of(RuleTest.header("x-spam", "is", List.of("yes")).negated(true)),
                List.of(RuleAction.simple("keep")), "boss");
        s = s.add("partner", true, "anyof",
                List.of(new RuleTest("address", false, "is", "domain", null, List.of("from", "sender"),
                        List.of("partner.example"), null, null)),
                List.of(RuleAction.redirect("bob@example.com", true), RuleAction.simple("keep")), null);
        s = s.add("small \"quoted\" \\ text", true, "allof",
                List.of(RuleTest.size(false, "1M"), RuleTest.body("text", "contains", List.of("unsubscribe")),
                        new RuleTest("envelope", false, "is", "localpart", null, List.of("to"), List.of("alice"), null,
                                null),
                        new RuleTest("header", false, "is", null, "i;octet", List.of("x-tag"), List.of("A"), null,
                                null)),
                List.of(RuleAction.flags("setflag", List.of("\\Flagged")), RuleAction.flags("removeflag", List.of("\\Seen")),
                        RuleAction.reject("too big, sorry")), null);
        s = s.add("everything else", true, "anyof",
                List.of(new RuleTest("true", false, null, null, null, null, null, null, null)),
                List.of(RuleAction.simple("discard")), null);
        return s;
    }

    @Test
    void every_script_hostctl_writes_is_the_rules_hostctl_lists_in_roundcube() {
        RuleScript s = everything();
        JsonNode judged = Roundcube.parse(s.text());
        assertThat(judged.get("rules")).isEqualTo(hostctlRules(s));
        assertThat(s.rules()).extracting(Rule::name).containsExactly("zip attachments", "not spam", "boss",
                "news [weekly]", "partner", "small \"quoted\" \\ text", "everything else");
    }

    @Test
    void roundcube_writes_a_script_hostctl_wrote_back_byte_for_byte_but_for_create() {
        RuleScript s = everything();
        // Roundcube 1.6 has no fileinto :create (RFC 5490); it reads the rule as a plain move and drops the tag
        String expected = s.text().replace("fileinto :create ", "fileinto ").replace("\"mailbox\",", "");
        assertThat(Roundcube.parse(s.text()).get("text").asText()).isEqualTo(expected);
        RuleScript withoutCreate = RuleScript.parse(expected);
        assertThat(Roundcube.parse(expected).get("text").asText()).isEqualTo(withoutCreate.text());
    }

    /** Rules as Roundcube's editor makes them, including kinds hostctl does not understand (date, vacation). */
    static final String ROUNDCUBE_RULES = """
            [
             {"name": "zip", "join": false, "disabled": false,
              "tests": [{"test": "body", "part": "raw", "type": "regex", "arg": "filename=\\".+\\\\.zip\\""}],
              "actions": [{"type": "fileinto", "target": "Archive"}]},
             {"name": "holiday", "join": true, "disabled": false,
              "tests": [{"test": "currentdate", "part": "date", "type": "value-ge", "arg": "2026-12-20"},
                        {"test": "header", "arg1": "to", "arg2": ["alice@example.com"], "type": "contains"}],
              "actions": [{"type": "vacation", "reason": "Away until January.", "days": 7, "subject": "Away"}]},
             {"name": "lists", "join": false, "disabled": true,
              "tests": [{"test": "header", "arg1": ["list-id", "list-post"], "arg2": ["a", "b"], "type": "matches"},
                        {"test": "size", "type": "over", "arg": "2M"}],
              "actions": [{"type": "fileinto", "target": "Lists", "copy": true}, {"type": "stop"}]},
             {"name": "flags", "join": false, "disabled": false,
              "tests": [{"test": "address", "part": "domain", "arg1": "from", "arg2": "example.net", "type": "is"}],
              "actions": [{"type": "addflag", "target": ["\\\\Seen"]}, {"type": "redirect", "target": "bob@example.com"}]},
             {"name": "long reply", "join": false, "disabled": false, "tests": [{"test": "true"}],
              "actions": [{"type": "vacation", "reason": "Line one\\r\\n.dot line\\r\\nLine three", "days": 3}]},
             {"name": "tag", "join": false, "disabled": true,
              "tests": [{"test": "header", "arg1": "subject", "arg2": "x", "type": "contains", "index": 2, "last": true}],
              "actions": [{"type": "addheader", "name": "X-Tag", "value": "yes"}]},
             {"name": "dup", "join": false, "disabled": false, "tests": [{"test": "duplicate", "seconds": 3600}],
              "actions": [{"type": "discard"}]}
            ]""";

    @Test
    void a_script_roundcube_wrote_is_listed_as_roundcube_reads_it() {
        String script = Roundcube.make(ROUNDCUBE_RULES);
        RuleScript s = RuleScript.parse(script);
        assertThat(s.webmail()).as(s.reason()).isTrue();
        assertThat(s.rules()).extracting(Rule::name).containsExactly("zip", "holiday", "lists", "flags", "long reply",
                "tag", "dup");
        assertThat(s.rules()).extracting(Rule::enabled).containsExactly(true, true, false, true, true, false, true);
        assertThat(s.rules()).extracting(Rule::understood).containsExactly(true, false, true, true, false, false,
                false);
        assertThat(s.rules().get(1).understood()).isFalse();
        JsonNode judged = Roundcube.parse(script).get("rules");
        ArrayNode mine = hostctlRules(s);
        for (int k : new int[] {0, 2, 3}) {
            assertThat(mine.get(k)).as("rule %d", k).isEqualTo(judged.get(k));
        }
        assertThat(String.join("", s.rules().stream().map(Rule::sieve).toList()))
                .isEqualTo(script.substring(script.indexOf("# rule:[")));
    }

    @Test
    void editing_a_script_roundcube_wrote_keeps_the_untouched_rules_byte_for_byte() {
        String script = Roundcube.make(ROUNDCUBE_RULES);
        RuleScript before = RuleScript.parse(script);
        RuleScript after = before
                .add("sale", true, "anyof", List.of(RuleTest.header("subject", "contains", List.of("sale"))),
                        List.of(RuleAction.fileinto("Offers", false, false)), "holiday")
                .enable("lists", true)
                .enable("tag", true)
                .move("flags", "zip")
                .move("dup", "long reply")
                .remove("zip");
        assertThat(after.rules()).extracting(Rule::name).containsExactly("flags", "sale", "holiday", "lists", "dup",
                "long reply", "tag");
        assertThat(after.rule("long reply").sieve()).isEqualTo(before.rule("long reply").sieve());
        assertThat(after.rule("dup").sieve()).isEqualTo(before.rule("dup").sieve());
        assertThat(after.rule("holiday").sieve()).isEqualTo(before.rule("holiday").sieve());
        assertThat(after.rule("flags").sieve()).isEqualTo(before.rule("flags").sieve());
        // the whole script is what Roundcube itself would write for it: nothing it reads differently, nothing lost
        JsonNode judged = Roundcube.parse(after.text());
        assertThat(judged.get("text").asText()).isEqualTo(after.text());
        assertThat(judged.get("rules").get(0)).isEqualTo(Roundcube.parse(script).get("rules").get(3));
        assertThat(judged.get("rules").get(2)).isEqualTo(Roundcube.parse(script).get("rules").get(1));
        assertThat(judged.get("rules").get(3).get("enabled").asBoolean()).isTrue();
        assertThat(after.text()).startsWith("require [\"copy\",\"date\",\"duplicate\",\"editheader\",\"fileinto\","
                + "\"imap4flags\",\"index\",\"relational\",\"vacation\"];\r\n");
    }

    /** hostctl's rules as {@code rule list -o json} prints them, without what Roundcube has no word for. */
    static ArrayNode hostctlRules(RuleScript s) {
        ArrayNode out = Json.mapper().valueToTree(s.rules());
        for (JsonNode r : out) {
            ((ObjectNode) r).remove(List.of("position", "format", "sieve"));
            for (JsonNode a : r.path("actions")) {
                ((ObjectNode) a).remove("create");
            }
        }
        return out;
    }
}
