package org.hostctl.server.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Correlation rules of ../shared/reference/postfix-logs.md §5 on hand-written lines of the §4 grammar. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostfixCorrelatorTest {
    private final RecordingSink sink = new RecordingSink();
    private final PostfixCorrelator c = new PostfixCorrelator(sink,
            LineParser.at(ZoneOffset.UTC, Instant.parse("2026-11-30T00:00:00Z")));

    private void feed(String... lines) {
        long off = 0;
        for (String l : lines) {
            c.accept("maillog", off, l);
            off += l.length() + 1;
        }
    }

    @Test
    void sasl_submission_sent_with_dsn_success_notification() {
        feed("Nov 28 17:59:20 mx postfix/submission/smtpd[100]: connect from c.example[192.0.2.7]",
                "Nov 28 17:59:20 mx postfix/submission/smtpd[100]: 1111120C471: client=c.example[192.0.2.7], sasl_method=PLAIN, sasl_username=shop@customer1.test",
                "Nov 28 17:59:21 mx postfix/cleanup[101]: 1111120C471: message-id=<s01.1@hostd.test>",
                "Nov 28 17:59:21 mx postfix/qmgr[102]: 1111120C471: from=<shop@customer1.test>, size=292, nrcpt=1 (queue active)",
                "Nov 28 17:59:21 mx postfix/submission/smtpd[100]: disconnect from c.example[192.0.2.7] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6",
                "Nov 28 17:59:22 mx postfix/virtual[103]: 1111120C471: to=<info@customer2.test>, relay=virtual, delay=0.29, delays=0.1/0.11/0/0.08, dsn=2.0.0, status=sent (delivered to maildir)",
                "Nov 28 17:59:22 mx postfix/cleanup[101]: 4337120C47B: message-id=<20261128175922.4337120C47B@mx.hostd.test>",
                "Nov 28 17:59:22 mx postfix/bounce[104]: 1111120C471: sender delivery status notification: 4337120C47B",
                "Nov 28 17:59:22 mx postfix/qmgr[102]: 1111120C471: removed",
                "Nov 28 17:59:22 mx postfix/qmgr[102]: 4337120C47B: from=<>, size=2121, nrcpt=1 (queue active)",
                "Nov 28 17:59:23 mx postfix/virtual[103]: 4337120C47B: to=<shop@customer1.test>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)",
                "Nov 28 17:59:23 mx postfix/qmgr[102]: 4337120C47B: removed");
        assertThat(sink.messages).hasSize(2);
        MessageRecord m = sink.byQueueId("1111120C471");
        assertThat(m.key()).isEqualTo("mx/1111120C471/2026-11-28T17:59:20Z");
        assertThat(m.saslUser()).isEqualTo("shop@customer1.test");
        assertThat(m.client()).isEqualTo("c.example[192.0.2.7]");
        assertThat(m.sender()).isEqualTo("shop@customer1.test");
        assertThat(m.messageId()).isEqualTo("<s01.1@hostd.test>");
        assertThat(m.size()).isEqualTo(292L);
        assertThat(m.nrcpt()).isEqualTo(1);
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T17:59:22Z"));
        RecipientRecord r = m.recipients().get(0);
        assertThat(r.address()).isEqualTo("info@customer2.test");
        assertThat(r.status()).isEqualTo("sent");
        assertThat(r.dsn()).isEqualTo("2.0.0");
        assertThat(r.relay()).isEqualTo("virtual");
        assertThat(r.response()).isEqualTo("delivered to maildir");
        assertThat(r.attempts()).singleElement().satisfies(a -> {
            assertThat(a.delay()).isEqualTo("0.29");
            assertThat(a.status()).isEqualTo("sent");
        });
        MessageRecord n = sink.byQueueId("4337120C47B");
        assertThat(n.parentKey()).isEqualTo(m.key());
        assertThat(n.notificationKind()).isEqualTo("success");
        assertThat(n.sender()).isEmpty();
        // told on first appearance (message-id), the attempt, the removal
        assertThat(sink.upserts.stream().filter(u -> u.key().equals(m.key())).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void pickup_uid_and_deferred_then_sent_keeps_the_history() {
        feed("Nov 28 10:00:00 mx postfix/pickup[1]: 2222220C471: uid=33 from=<www-data>",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 2222220C471: message-id=<a@customer1.test>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: 2222220C471: from=<www-data@mx.hostd.test>, size=500, nrcpt=1 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: 2222220C471: to=<x@slow.test>, relay=127.0.0.1[127.0.0.1]:10028, delay=0.5, delays=0.1/0/0.2/0.2, dsn=4.7.1, status=deferred (host 127.0.0.1[127.0.0.1] said: 451 4.7.1 Greylisted, please try again later (simulated remote) (in reply to RCPT TO command))",
                "Nov 28 10:00:20 mx postfix/qmgr[3]: 2222220C471: from=<www-data@mx.hostd.test>, size=500, nrcpt=1 (queue active)",
                "Nov 28 10:00:21 mx postfix/smtp[4]: 2222220C471: to=<x@slow.test>, relay=127.0.0.1[127.0.0.1]:10028, delay=21, delays=20/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
                "Nov 28 10:00:21 mx postfix/qmgr[3]: 2222220C471: removed");
        assertThat(sink.messages).hasSize(1);
        MessageRecord m = sink.byQueueId("2222220C471");
        assertThat(m.uid()).isEqualTo("33");
        assertThat(m.sender()).isEqualTo("www-data@mx.hostd.test");
        RecipientRecord r = m.recipients().get(0);
        assertThat(r.status()).isEqualTo("sent");
        assertThat(r.attempts()).extracting(AttemptRecord::status).containsExactly("deferred", "sent");
        assertThat(r.attempts().get(0).response()).endsWith("(in reply to RCPT TO command)");
    }

    @Test
    void expiry_applies_to_every_still_deferred_recipient_and_the_bounce_is_an_expired_child() {
        feed("Nov 28 10:00:00 mx postfix/pickup[1]: 3333320C471: uid=0 from=<root>",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 3333320C471: message-id=<b@x>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: 3333320C471: from=<root@mx.hostd.test>, size=500, nrcpt=2 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: 3333320C471: to=<a@down.test>, relay=none, delay=0.1, delays=0/0/0.1/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:10029: Connection refused)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: 3333320C471: to=<b@remote.test>, relay=127.0.0.1[127.0.0.1]:10026, delay=0.1, delays=0/0/0.1/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
                "Nov 28 11:00:00 mx postfix/qmgr[3]: 3333320C471: from=<root@mx.hostd.test>, status=expired, returned to sender",
                "Nov 28 11:00:00 mx postfix/cleanup[2]: 5555520C471: message-id=<20261128110000.5555520C471@mx.hostd.test>",
                "Nov 28 11:00:00 mx postfix/qmgr[3]: 5555520C471: from=<>, size=2000, nrcpt=1 (queue active)",
                "Nov 28 11:00:00 mx postfix/bounce[5]: 3333320C471: sender non-delivery notification: 5555520C471",
                "Nov 28 11:00:00 mx postfix/qmgr[3]: 3333320C471: removed");
        MessageRecord m = sink.byQueueId("3333320C471");
        assertThat(RecordingSink.states(m)).containsExactly(Map.entry("a@down.test", "expired"),
                Map.entry("b@remote.test", "sent"));
        assertThat(m.removedAt()).isNotNull();
        MessageRecord n = sink.byQueueId("5555520C471");
        assertThat(n.parentKey()).isEqualTo(m.key());
        assertThat(n.notificationKind()).isEqualTo("expired");
    }

    @Test
    void alias_fan_out_keeps_orig_to_per_recipient() {
        feed("Nov 28 10:00:00 mx postfix/smtpd[1]: 6666620C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@customer1.test",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 6666620C471: message-id=<c@x>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: 6666620C471: from=<u@customer1.test>, size=500, nrcpt=2 (queue active)",
                "Nov 28 10:00:01 mx postfix/virtual[4]: 6666620C471: to=<info@customer1.test>, orig_to=<sales@customer1.test>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)",
                "Nov 28 10:00:01 mx postfix/smtp[5]: 6666620C471: to=<team@remote.test>, orig_to=<sales@customer1.test>, relay=127.0.0.1[127.0.0.1]:10026, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
                "Nov 28 10:00:01 mx postfix/smtp[5]: 6666620C471: to=<\"odd, user\"@remote.test>, relay=127.0.0.1[127.0.0.1]:10027, delay=0.1, delays=0/0/0/0.1, dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 Recipient address rejected: User unknown (simulated remote) (in reply to RCPT TO command))",
                "Nov 28 10:00:01 mx postfix/qmgr[3]: 6666620C471: removed");
        MessageRecord m = sink.byQueueId("6666620C471");
        assertThat(m.nrcpt()).isEqualTo(2);
        assertThat(m.recipients()).extracting(RecipientRecord::address, RecipientRecord::origTo, RecipientRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("info@customer1.test", "sales@customer1.test", "sent"),
                        org.assertj.core.groups.Tuple.tuple("team@remote.test", "sales@customer1.test", "sent"),
                        org.assertj.core.groups.Tuple.tuple("\"odd, user\"@remote.test", null, "bounced"));
    }

    @Test
    void noqueue_reject_gets_the_sasl_user_of_its_smtpd_session() {
        feed("Nov 28 10:00:00 mx postfix/submission/smtpd[10]: connect from localhost[127.0.0.1]",
                "Nov 28 10:00:01 mx postfix/submission/smtpd[10]: NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.2 <w@gone.test>: Recipient address rejected: domain gone.test has been decommissioned (simulated); from=<info@customer2.test> to=<w@gone.test> proto=ESMTP helo=<client.remote.test>",
                "Nov 28 10:00:01 mx postfix/submission/smtpd[10]: 7777720C471: client=localhost[127.0.0.1], sasl_method=PLAIN, sasl_username=info@customer2.test",
                "Nov 28 10:00:01 mx postfix/submission/smtpd[10]: 7777720C471: reject: RCPT from localhost[127.0.0.1]: 450 4.4.3 <v@later.test>: Recipient address rejected: simulated temporary failure; from=<info@customer2.test> to=<v@later.test> proto=ESMTP helo=<client.remote.test>",
                "Nov 28 10:00:02 mx postfix/submission/smtpd[10]: disconnect from localhost[127.0.0.1] ehlo=1 auth=1 mail=1 rcpt=1/3 quit=1 commands=5/7",
                // another session of the same PID: nothing carries over
                "Nov 28 10:00:03 mx postfix/smtpd[10]: connect from localhost[127.0.0.1]",
                "Nov 28 10:00:03 mx postfix/smtpd[10]: NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 <victim@remote.test>: Relay access denied; from=<alice@remote.test> to=<victim@remote.test> proto=ESMTP helo=<client.remote.test>",
                "Nov 28 10:00:03 mx postfix/smtpd[10]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
        assertThat(sink.rejects).hasSize(3);
        RejectRecord qidReject = sink.rejects.get(0);
        assertThat(qidReject.to()).isEqualTo("v@later.test");
        assertThat(qidReject.code()).isEqualTo("450 4.4.3");
        assertThat(qidReject.saslUser()).isEqualTo("info@customer2.test");
        RejectRecord noqueue = sink.rejects.get(1);
        assertThat(noqueue.to()).isEqualTo("w@gone.test");
        assertThat(noqueue.from()).isEqualTo("info@customer2.test");
        assertThat(noqueue.client()).isEqualTo("localhost[127.0.0.1]");
        assertThat(noqueue.code()).isEqualTo("550 5.1.2");
        assertThat(noqueue.response()).isEqualTo(
                "<w@gone.test>: Recipient address rejected: domain gone.test has been decommissioned (simulated)");
        assertThat(noqueue.saslUser()).isEqualTo("info@customer2.test");
        assertThat(noqueue.at()).isEqualTo(Instant.parse("2026-11-28T10:00:01Z"));
        RejectRecord relay = sink.rejects.get(2);
        assertThat(relay.saslUser()).isNull();
        assertThat(relay.code()).isEqualTo("554 5.7.1");
        assertThat(sink.rejects).extracting(RejectRecord::key).doesNotHaveDuplicates();
        // the message with only refused/aborted recipients never got queued: not a message
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void postscreen_reject_with_comma_separated_fields() {
        feed("Nov 28 10:00:00 mx postfix/postscreen[9]: NOQUEUE: reject: RCPT from [192.0.2.9]:4711: 550 5.7.1 Service unavailable; client [192.0.2.9] blocked using zen.spamhaus.org; from=<a@b.example>, to=<info@customer1.test>, proto=ESMTP, helo=<b.example>");
        assertThat(sink.rejects).singleElement().satisfies(r -> {
            assertThat(r.client()).isEqualTo("[192.0.2.9]:4711");
            assertThat(r.from()).isEqualTo("a@b.example");
            assertThat(r.to()).isEqualTo("info@customer1.test");
            assertThat(r.code()).isEqualTo("550 5.7.1");
        });
    }

    @Test
    void cleanup_header_reject_ends_the_record_and_is_a_reject() {
        feed("Nov 28 10:00:00 mx postfix/smtpd[1]: 8888820C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@customer1.test",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 8888820C471: message-id=<d@x>",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 8888820C471: reject: header Subject: REJECTME please from c[192.0.2.1]; from=<u@customer1.test> to=<x@remote.test> proto=ESMTP helo=<c>: 5.7.1 rejected by header check",
                "Nov 28 10:00:05 mx postfix/smtpd[1]: 8888820C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@customer1.test");
        assertThat(sink.rejects).singleElement().satisfies(r -> {
            assertThat(r.client()).isEqualTo("c[192.0.2.1]");
            assertThat(r.code()).isEqualTo("5.7.1");
            assertThat(r.response()).isEqualTo("rejected by header check");
            assertThat(r.saslUser()).isEqualTo("u@customer1.test");
            assertThat(r.to()).isEqualTo("x@remote.test");
        });
        MessageRecord m = sink.byQueueId("8888820C471");
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(c.stats().openRecords()).isEqualTo(1); // the reused QID started a new record
    }

    @Test
    void short_queue_ids_are_reused_after_removal() {
        for (int i = 0; i < 2; i++) {
            String t = "Nov 28 10:0" + i + ":00 mx ";
            feed(t + "postfix/smtpd[1]: ABCDE20C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u" + i + "@x.test",
                    t + "postfix/cleanup[2]: ABCDE20C471: message-id=<r" + i + "@x>",
                    t + "postfix/qmgr[3]: ABCDE20C471: from=<u" + i + "@x.test>, size=1, nrcpt=1 (queue active)",
                    t + "postfix/smtp[4]: ABCDE20C471: to=<r" + i + "@remote.test>, relay=mx[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
                    t + "postfix/qmgr[3]: ABCDE20C471: removed");
        }
        assertThat(sink.messages).hasSize(2);
        assertThat(sink.messages.values()).extracting(MessageRecord::messageId).containsExactly("<r0@x>", "<r1@x>");
        assertThat(sink.messages.values()).allSatisfy(m -> assertThat(m.removedAt()).isNotNull());
    }

    @Test
    void content_filter_hop_is_followed_into_one_message() {
        feed("Nov 28 10:00:00 mx postfix/submission/smtpd[1]: AAAA120C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@customer1.test",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: AAAA120C471: message-id=<e@x>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: AAAA120C471: from=<u@customer1.test>, size=100, nrcpt=1 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtpd[5]: connect from localhost[127.0.0.1]",
                "Nov 28 10:00:01 mx postfix/smtpd[5]: BBBB120C472: client=localhost[127.0.0.1]",
                "Nov 28 10:00:01 mx postfix/cleanup[2]: BBBB120C472: message-id=<e@x>",
                "Nov 28 10:00:01 mx postfix/qmgr[3]: BBBB120C472: from=<u@customer1.test>, size=900, nrcpt=1 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: AAAA120C471: to=<x@remote.test>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as BBBB120C472)",
                "Nov 28 10:00:01 mx postfix/qmgr[3]: AAAA120C471: removed");
        MessageRecord mid = sink.byQueueId("AAAA120C471");
        assertThat(mid.recipients().get(0).status()).as("only reached the filter").isEqualTo("pending");
        assertThat(mid.removedAt()).isNull();
        feed("Nov 28 10:00:02 mx postfix/smtp[6]: BBBB120C472: to=<x@remote.test>, relay=mx.remote.test[192.0.2.5]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.remote.test[192.0.2.5] said: 550 5.1.1 no such user (in reply to RCPT TO command))",
                "Nov 28 10:00:02 mx postfix/qmgr[3]: BBBB120C472: removed");
        assertThat(sink.messages).hasSize(1);
        MessageRecord m = sink.byQueueId("BBBB120C472");
        assertThat(m.queueIds()).containsExactly("AAAA120C471", "BBBB120C472");
        assertThat(m.size()).isEqualTo(100L);
        assertThat(m.saslUser()).isEqualTo("u@customer1.test");
        assertThat(m.recipients()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("bounced");
            assertThat(r.attempts()).hasSize(2);
        });
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:02Z"));
    }

    @Test
    void a_loopback_hop_this_log_never_shows_was_another_hosts_and_ends_the_record_after_the_hop_window() {
        feed("Nov 28 10:00:00 mx postfix/smtpd[1]: AAAA120C471: client=unknown[127.0.0.1]",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: AAAA120C471: message-id=<h@x>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: AAAA120C471: from=<x@remote.test>, size=100, nrcpt=1 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: AAAA120C471: to=<ann@customer1.test>, relay=127.0.0.1[127.0.0.1]:10125, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as BBBB120C472)",
                "Nov 28 10:00:01 mx postfix/qmgr[3]: AAAA120C471: removed");
        MessageRecord waiting = sink.byQueueId("AAAA120C471");
        assertThat(waiting.recipients().get(0).status()).as("may still be a hop on this host").isEqualTo("pending");
        assertThat(waiting.removedAt()).as("gone from this host's queue").isEqualTo(
                Instant.parse("2026-11-28T10:00:01Z"));

        feed("Nov 28 10:01:30 mx postfix/smtpd[1]: connect from unknown[192.0.2.9]");
        MessageRecord m = sink.byQueueId("AAAA120C471");
        assertThat(m.recipients().get(0).status()).as("handed to the other host").isEqualTo("sent");
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:01Z"));
        assertThat(m.queueIds()).containsExactly("AAAA120C471");

        // the same queue ID later in this log is a message of its own, not a continuation
        feed("Nov 28 10:02:00 mx postfix/pickup[5]: BBBB120C472: uid=0 from=<root>",
                "Nov 28 10:02:00 mx postfix/cleanup[2]: BBBB120C472: message-id=<other@x>");
        assertThat(sink.messages).hasSize(2);
    }

    @Test
    void requeue_continues_as_the_new_queue_id_of_pickup() {
        feed("Nov 28 10:00:00 mx postfix/pickup[1]: CCCC120C471: uid=0 from=<root>",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: CCCC120C471: message-id=<f@x>",
                "Nov 28 10:00:00 mx postfix/qmgr[3]: CCCC120C471: from=<root@mx.hostd.test>, size=1, nrcpt=1 (queue active)",
                "Nov 28 10:00:01 mx postfix/smtp[4]: CCCC120C471: to=<a@down.test>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:10029: Connection refused)",
                "Nov 28 10:01:00 mx postfix/postsuper[9]: CCCC120C471: requeued",
                "Nov 28 10:01:00 mx postfix/postsuper[9]: Requeued: 1 message",
                "Nov 28 10:01:01 mx postfix/pickup[1]: DDDD120C471: uid=107 from=<root@mx.hostd.test> orig_id=CCCC120C471",
                "Nov 28 10:01:01 mx postfix/cleanup[2]: DDDD120C471: message-id=<f@x>",
                "Nov 28 10:01:01 mx postfix/qmgr[3]: DDDD120C471: from=<root@mx.hostd.test>, size=1, nrcpt=1 (queue active)",
                "Nov 28 10:01:02 mx postfix/smtp[4]: DDDD120C471: to=<a@down.test>, relay=none, delay=62, delays=61/0/1/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:10029: Connection refused)",
                "Nov 28 10:02:00 mx postfix/postsuper[9]: DDDD120C471: removed");
        assertThat(sink.messages).hasSize(1);
        MessageRecord m = sink.byQueueId("DDDD120C471");
        assertThat(m.queueIds()).containsExactly("CCCC120C471", "DDDD120C471");
        assertThat(m.uid()).isEqualTo("0");
        assertThat(m.recipients().get(0).attempts()).hasSize(2);
        assertThat(m.recipients().get(0).status()).isEqualTo("deferred");
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:02:00Z"));
    }

    @Test
    void unknown_postfix_lines_are_reported_not_fatal_and_foreign_lines_ignored() {
        feed("Nov 28 10:00:00 mx postfix/qmgr[3]: EEEE120C471: something new in Postfix 9",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: EEEE120C471: brand-new-action: whatever",
                "Nov 28 10:00:00 mx postfix/smtp[4]: EEEE120C471: to=<broken",
                "Nov 28 10:00:00 mx amavis[5]: (123) Passed CLEAN",
                "Nov 28 10:00:00 mx postfix/anvil[6]: statistics: max connection rate 1/60s for (smtp:192.0.2.1) at Nov 28 10:00:00",
                "Nov 28 10:00:00 mx postfix/master[7]: daemon started -- version 3.7.11, configuration /etc/postfix");
        assertThat(sink.unparsed).hasSize(3);
        assertThat(c.stats().unparsed()).isEqualTo(3);
        assertThat(c.stats().postfixLines()).isEqualTo(5);
    }

    @Test
    void aborted_sessions_are_not_messages_and_expire() {
        feed("Nov 28 10:00:00 mx postfix/smtpd[1]: FFFF120C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@x.test",
                "Nov 28 10:00:00 mx postfix/smtpd[1]: lost connection after DATA (0 bytes) from c[192.0.2.1]");
        assertThat(sink.messages).isEmpty();
        assertThat(c.stats().openRecords()).isEqualTo(1);
        c.expireOlderThan(Instant.parse("2026-11-28T11:00:00Z"));
        assertThat(c.stats().openRecords()).isZero();
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void held_back_inbound_mail_is_told_by_flush_and_the_cap_bounds_open_records() {
        PostfixCorrelator small = new PostfixCorrelator(sink, LineParser.at(ZoneOffset.UTC,
                Instant.parse("2026-11-30T00:00:00Z")), 10);
        for (int i = 0; i < 50; i++) {
            String q = String.format("%05X20C471", i);
            small.accept("f", i, "Nov 28 10:00:00 mx postfix/smtpd[1]: " + q + ": client=c[192.0.2.1]");
            small.accept("f", i, "Nov 28 10:00:00 mx postfix/cleanup[2]: " + q + ": message-id=<" + i + "@x>");
        }
        assertThat(small.stats().openRecords()).isEqualTo(10);
        assertThat(sink.messages).as("evicted real messages are told").hasSize(40);
        small.flush();
        assertThat(sink.messages).hasSize(50);
    }

    @Test
    void keys_are_stable_across_restarts() {
        List<String> lines = List.of(
                "Nov 28 10:00:00 mx postfix/smtpd[1]: 1234520C471: client=c[192.0.2.1], sasl_method=PLAIN, sasl_username=u@x.test",
                "Nov 28 10:00:00 mx postfix/cleanup[2]: 1234520C471: message-id=<k@x>",
                "Nov 28 10:00:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from c[192.0.2.1]: 554 5.7.1 <a@b>: Relay access denied; from=<u@x.test> to=<a@b> proto=ESMTP helo=<c>");
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        for (RecordingSink s : List.of(a, b)) {
            PostfixCorrelator p = new PostfixCorrelator(s, LineParser.at(ZoneOffset.UTC, Instant.parse("2026-11-30T00:00:00Z")));
            lines.forEach(l -> p.accept("x", 0, l));
            p.flush();
        }
        assertThat(a.messages.keySet()).containsExactlyElementsOf(b.messages.keySet());
        assertThat(a.rejects).extracting(RejectRecord::key).containsExactlyElementsOf(
                b.rejects.stream().map(RejectRecord::key).toList());
    }

    private static MessageRecord queued(String key, List<String> qids, List<RecipientRecord> rcpts) {
        return new MessageRecord(key, "mx", qids, "<s@x>", "u@customer1.test", "u@customer1.test", null,
                "c[192.0.2.7]", 300L, rcpts.size(), Instant.parse(key.substring(key.lastIndexOf('/') + 1)), null, null,
                null, rcpts);
    }

    @Test
    void seeded_messages_are_continued_under_their_key_and_a_reused_queue_id_starts_a_new_one() {
        Instant t = Instant.parse("2026-11-28T10:00:05Z");
        AttemptRecord deferred = new AttemptRecord(t, "mx.remote.test[203.0.113.9]:25", "0.4", "4.7.1", "deferred",
                "greylisted");
        c.seed(List.of(queued("mx/AAAA120C471/2026-11-28T10:00:00Z", List.of("AAAA120C471"), List.of(
                new RecipientRecord("a@remote.test", null, "deferred", "4.7.1", deferred.relay(), "greylisted", t,
                        List.of(deferred)))),
                queued("mx/BBBB120C471/2026-11-28T10:00:00Z", List.of("BBBB120C471"), List.of())));
        assertThat(sink.messages).as("seeding tells nothing").isEmpty();
        feed("Nov 28 10:10:00 mx postfix/qmgr[102]: AAAA120C471: from=<u@customer1.test>, size=300, nrcpt=1 (queue active)",
                "Nov 28 10:10:01 mx postfix/smtp[103]: AAAA120C471: to=<a@remote.test>, relay=mx.remote.test[203.0.113.9]:25, delay=600, delays=599/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
                "Nov 28 10:10:01 mx postfix/qmgr[102]: AAAA120C471: removed",
                "Nov 28 11:00:00 mx postfix/smtpd[100]: BBBB120C471: client=d[192.0.2.8], sasl_method=PLAIN, sasl_username=v@customer2.test",
                "Nov 28 11:00:00 mx postfix/cleanup[101]: BBBB120C471: message-id=<new@x>");
        MessageRecord a = sink.messages.get("mx/AAAA120C471/2026-11-28T10:00:00Z");
        assertThat(a.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:10:01Z"));
        assertThat(a.sender()).isEqualTo("u@customer1.test");
        assertThat(a.recipients()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("sent");
            assertThat(r.attempts()).extracting(AttemptRecord::status).containsExactly("deferred", "sent");
        });
        assertThat(sink.messages).containsOnlyKeys("mx/AAAA120C471/2026-11-28T10:00:00Z",
                "mx/BBBB120C471/2026-11-28T11:00:00Z");
        assertThat(sink.messages.get("mx/BBBB120C471/2026-11-28T11:00:00Z").saslUser()).isEqualTo("v@customer2.test");
    }

    @Test
    void a_seeded_message_handed_to_a_local_content_filter_takes_the_hop_after_the_restart() {
        Instant t = Instant.parse("2026-11-28T10:00:01Z");
        String response = "250 2.0.0 Ok: queued as CCCC120C471";
        AttemptRecord hop = new AttemptRecord(t, "127.0.0.1[127.0.0.1]:10025", "0.1", "2.0.0", "sent", response);
        c.seed(List.of(queued("mx/DDDD120C471/2026-11-28T10:00:00Z", List.of("DDDD120C471"), List.of(
                new RecipientRecord("a@remote.test", null, "pending", "2.0.0", hop.relay(), response, t,
                        List.of(hop))))));
        feed("Nov 28 10:00:01 mx postfix/qmgr[102]: DDDD120C471: removed",
                "Nov 28 10:00:01 mx postfix/smtpd[200]: CCCC120C471: client=localhost[127.0.0.1]",
                "Nov 28 10:00:01 mx postfix/cleanup[101]: CCCC120C471: message-id=<s@x>",
                "Nov 28 10:00:01 mx postfix/qmgr[102]: CCCC120C471: from=<u@customer1.test>, size=400, nrcpt=1 (queue active)",
                "Nov 28 10:00:02 mx postfix/smtp[103]: CCCC120C471: to=<a@remote.test>, relay=mx.remote.test[203.0.113.9]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
                "Nov 28 10:00:02 mx postfix/qmgr[102]: CCCC120C471: removed");
        assertThat(sink.messages).containsOnlyKeys("mx/DDDD120C471/2026-11-28T10:00:00Z");
        MessageRecord m = sink.messages.get("mx/DDDD120C471/2026-11-28T10:00:00Z");
        assertThat(m.queueIds()).containsExactly("DDDD120C471", "CCCC120C471");
        assertThat(m.removedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:02Z"));
        assertThat(RecordingSink.states(m)).containsExactly(Map.entry("a@remote.test", "sent"));
    }
}
