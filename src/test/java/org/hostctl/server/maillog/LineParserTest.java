package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LineParserTest {
    private final LineParser parser = LineParser.at(ZoneOffset.UTC, Instant.parse("2026-11-30T12:00:00Z"));

    private LineParser.Line parse(String s) {
        return parser.parse(s).orElseThrow(() -> new AssertionError("not parsed: " + s));
    }

    @Test
    void classic_syslog_with_space_padded_day() {
        LineParser.Line l = parse("Nov  2 22:24:22 hel postfix/smtpd[7676]: connect from a.example[192.0.2.1]");
        assertThat(l.time()).isEqualTo(Instant.parse("2026-11-02T22:24:22Z"));
        assertThat(l.host()).isEqualTo("hel");
        assertThat(l.program()).isEqualTo("postfix/smtpd");
        assertThat(l.daemon()).isEqualTo("smtpd");
        assertThat(l.pid()).isEqualTo(7676);
        assertThat(l.queueId()).isNull();
        assertThat(l.severity()).isNull();
        assertThat(l.text()).isEqualTo("connect from a.example[192.0.2.1]");
    }

    @Test
    void a_configured_host_name_replaces_the_logged_one_and_a_blank_one_restores_it() {
        LineParser p = LineParser.at(ZoneOffset.UTC, Instant.parse("2026-11-30T12:00:00Z"));
        String line = "Nov 08 17:59:26 mx postfix/qmgr[27732]: 086D520C471: removed";
        p.overrideHost("mailbox-2");
        assertThat(p.parse(line).orElseThrow().host()).isEqualTo("mailbox-2");
        assertThat(p.parse(line).orElseThrow().queueId()).isEqualTo("086D520C471");
        p.overrideHost(" ");
        assertThat(p.parse(line).orElseThrow().host()).isEqualTo("mx");
    }

    @Test
    void maillog_file_with_zero_padded_day_and_queue_id() {
        LineParser.Line l = parse("Nov 08 17:59:26 mx postfix/qmgr[27732]: 086D520C471: removed");
        assertThat(l.time()).isEqualTo(Instant.parse("2026-11-08T17:59:26Z"));
        assertThat(l.queueId()).isEqualTo("086D520C471");
        assertThat(l.text()).isEqualTo("removed");
    }

    @Test
    void rfc3339_header_keeps_its_own_year_and_offset() {
        LineParser.Line l = parse("2021-05-16T00:01:42.278515+02:00 hq5 postfix/qmgr[21496]: 0262E27A61D7: from=<a@b>,"
                + " size=19314, nrcpt=1 (queue active)");
        assertThat(l.time()).isEqualTo(Instant.parse("2021-05-15T22:01:42.278515Z"));
        assertThat(l.host()).isEqualTo("hq5");
        assertThat(l.queueId()).isEqualTo("0262E27A61D7");
    }

    @Test
    void rfc3339_prepended_to_a_classic_line_and_logstash_json() {
        LineParser.Line l = parse("2021-03-06T06:09:00.000Z Mar  6 07:08:59 host postfix/qmgr[28829]: A1E1E1880093: removed");
        assertThat(l.time()).isEqualTo(Instant.parse("2021-03-06T06:09:00Z"));
        assertThat(l.host()).isEqualTo("host");
        LineParser.Line j = parse("{\"log-source\":\"filebeat\",\"message\":\"Mar 20 07:54:52 mail postfix/smtp[6807]: "
                + "586711880093: to=<x@y>, relay=r[1.2.3.4]:25, delay=4.1, delays=0.1/0/1/3, dsn=2.0.0, status=sent "
                + "(250 2.0.0 Ok: queued as 6ECB0A8019A)\",\"@timestamp\":\"2021-03-20T06:54:55.835Z\"}");
        assertThat(j.daemon()).isEqualTo("smtp");
        assertThat(j.queueId()).isEqualTo("586711880093");
    }

    @Test
    void year_comes_from_the_reference_and_rolls_back_over_new_year() {
        LineParser p = LineParser.at(ZoneOffset.UTC, Instant.parse("2027-01-02T08:00:00Z"));
        assertThat(p.parse("Dec 31 23:59:59 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
        assertThat(p.parse("Jan  1 00:00:01 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2027-01-01T00:00:01Z"));
        // a day of clock skew is tolerated, later dates belong to the year before
        assertThat(p.parse("Jan  3 01:00:00 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2027-01-03T01:00:00Z"));
        assertThat(p.parse("Mar  3 01:00:00 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2026-03-03T01:00:00Z"));
        // Feb 29 goes to the last leap year
        assertThat(p.parse("Feb 29 01:00:00 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2024-02-29T01:00:00Z"));
    }

    @Test
    void year_less_stamps_use_the_host_zone() {
        LineParser p = LineParser.at(ZoneId.of("Europe/Berlin"), Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(p.parse("Nov 28 10:00:01 mx postfix/qmgr[1]: ABCDEF123: removed").orElseThrow().time())
                .isEqualTo(Instant.parse("2026-11-28T09:00:01Z"));
    }

    @Test
    void multi_level_syslog_names_severity_and_foreign_programs() {
        assertThat(parse("Jun  3 10:40:57 mail postfix/submission/smtpd[9708]: connect from x[1.2.3.4]").daemon())
                .isEqualTo("smtpd");
        assertThat(parse("Jun  3 10:40:57 mail postfix-10.20.30.40/smtp[9708]: connect to x[1.2.3.4]:25: refused")
                .daemon()).isEqualTo("smtp");
        LineParser.Line w = parse("Jun  3 10:40:57 mail postfix/smtpd[9708]: warning: hostname x does not resolve");
        assertThat(w.severity()).isEqualTo("warning");
        assertThat(w.text()).startsWith("hostname x");
        // cleanup's header action "warning:" follows the QID: not a severity
        LineParser.Line a = parse("Jun  3 10:40:57 mail postfix/cleanup[1]: 4AA091855DA0: warning: header Subject: x");
        assertThat(a.severity()).isNull();
        assertThat(a.text()).startsWith("warning: header");
        assertThat(parser.parse("Jun  3 10:40:57 mail opendkim[235]: 4AA091855DA0: DKIM-Signature field added")).isEmpty();
        assertThat(parser.parse("Jun  3 10:40:57 mail dovecot: imap(u@x)<1><y>: Logged out")).isEmpty();
        assertThat(parser.parse("lalala Mar  6 07:08:59 host postfix/qmgr[28829]: A1E1E1880093: removed")).isEmpty();
        assertThat(parser.parse("# source: somewhere")).isEmpty();
        assertThat(parser.parse("")).isEmpty();
        assertThat(parser.parse(null)).isEmpty();
    }

    @Test
    void queue_ids_short_long_and_noqueue() {
        assertThat(parse("Jan 25 06:32:43 mx postfix/smtpd[1]: 3Pt2mN2VXxznjll: client=x[1.2.3.4]").queueId())
                .isEqualTo("3Pt2mN2VXxznjll");
        assertThat(parse("Jan 25 06:32:43 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 5.7.1 no")
                .queueId()).isEqualTo("NOQUEUE");
        assertThat(parse("Jan 25 06:32:43 mx postfix/smtpd[1]: statistics: whatever").queueId()).isNull();
        assertThat(LineParser.isQueueId("CACACACA")).isTrue();
        assertThat(LineParser.isQueueId("removed")).isFalse();
        assertThat(LineParser.isQueueId("connect")).isFalse();
    }

    @Test
    void fields_keep_commas_inside_brackets_and_parentheses() {
        String t = "to=<\"odd, user\"@remote.test>, orig_to=<sales@customer1.test>, relay=mx.hostd.test[private/dovecot-lmtp],"
                + " delay=0.29, delays=0.1/0.11/0/0.08, dsn=5.1.1, status=bounced (host mx[192.0.2.1] said: 550 5.1.1 <a@b>:"
                + " no (such) user, sorry [x] (in reply to RCPT TO command))";
        Map<String, String> f = LineParser.fields(t, 0);
        assertThat(f).containsEntry("to", "<\"odd, user\"@remote.test>")
                .containsEntry("orig_to", "<sales@customer1.test>")
                .containsEntry("relay", "mx.hostd.test[private/dovecot-lmtp]")
                .containsEntry("delay", "0.29").containsEntry("dsn", "5.1.1").containsEntry("status", "bounced");
        assertThat(LineParser.response(t)).isEqualTo(
                "host mx[192.0.2.1] said: 550 5.1.1 <a@b>: no (such) user, sorry [x] (in reply to RCPT TO command)");
        assertThat(LineParser.response("to=<a@b>, status=sent (250 2.0.0 Ok: queued as 4337120C47B)"))
                .isEqualTo("250 2.0.0 Ok: queued as 4337120C47B");
        // a line cut by a cap: the response runs to the end
        assertThat(LineParser.response("to=<a@b>, status=deferred (host x said: 451 try lat")).isEqualTo("host x said: 451 try lat");
        // space-separated reject fields and comma-separated postscreen fields
        assertThat(LineParser.fields("from=<a@b> to=<c@d> proto=ESMTP helo=<h>", 0))
                .containsEntry("from", "<a@b>").containsEntry("to", "<c@d>").containsEntry("proto", "ESMTP")
                .containsEntry("helo", "<h>");
        assertThat(LineParser.fields("from=<>, to=<c@d>, proto=ESMTP, helo=<h>", 0))
                .containsEntry("from", "<>").containsEntry("to", "<c@d>").containsEntry("proto", "ESMTP");
        assertThat(LineParser.fields("client=x[1.2.3.4], sasl_method=PLAIN, sasl_username=u@customer.test", 0))
                .containsEntry("client", "x[1.2.3.4]").containsEntry("sasl_username", "u@customer.test");
        assertThat(LineParser.fields("uid=33 from=<shop@customer1.test> orig_id=ABC123DEF", 0))
                .containsEntry("uid", "33").containsEntry("orig_id", "ABC123DEF");
    }

    @Test
    void odd_bytes_control_characters_and_very_long_lines_never_throw() {
        String ctl = "Nov 28 10:00:01 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 550 5.1.1 <a\u001b[31m@b>: no;"
                + " from=<\u0000\u0007evil\r> to=<a@b> proto=ESMTP helo=<\u00ff\ufffd>";
        assertThat(parse(ctl).queueId()).isEqualTo("NOQUEUE");
        String huge = "Nov 28 10:00:01 mx postfix/smtp[1]: ABCDEF123: to=<a@b>, relay=none, status=deferred ("
                + "x".repeat(5_000_000);
        long t0 = System.nanoTime();
        LineParser.Line l = parse(huge);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(l.text().length()).isLessThan(LineParser.MAX_LINE);
        for (String junk : new String[] {"\u0000", "Nov", "Nov 28", "Nov 28 10:00:01", "Nov 28 10:00:01 ",
            "Nov 28 10:00:01 host", "Nov 28 10:00:01 host postfix/smtpd", "Nov 28 10:00:01 host postfix/smtpd[",
            "Nov 28 10:00:01 host postfix/smtpd[]: x", "Nov 28 10:00:01 host postfix/smtpd[12a]: x",
            "Nov 99 99:99:99 host postfix/smtpd[1]: x", "2026-13-45T99:00:00Z host postfix/smtpd[1]: x",
            "2026-11-28T10:00:01", "{\"message\":\"\\u12", "{", "Nov 28 10:00:01 host postfix//smtpd[1]: x",
            "[".repeat(100_000), "Nov 28 10:00:01 h postfix/smtpd[99999999999999999]: x"}) {
            assertThat(parser.parse(junk)).as(junk.length() > 40 ? junk.substring(0, 40) : junk).isEmpty();
        }
        assertThat(parse("Nov 28 10:00:01 h postfix/qmgr[1]: ABCDEF123:").text()).isEmpty();
    }
}
