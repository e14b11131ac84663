package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.hostctl.api.Json;
import org.hostctl.server.Hostd;
import org.hostctl.it.SmtpClient.Reply;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The send log of real Postfix logs: a private Postfix on 127.0.0.1 routes hosted domains from hostd's tables to
 * an {@link LmtpSink}, {@code down.example} to a closed port on 127.0.0.1 and {@code gone.example} to the
 * {@code error:} transport, and writes {@code maillog_file}; hostd follows that file with its built-in correlator,
 * and {@code hostctl mail log} shows alice (alice.example) and bob (bob.example) what became of their mail.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendLogOnPostfixTest {
    static final String ANN = "ann@alice.example";
    static final String BO = "bo@bob.example";
    static final String ODD = "\"odd, user\"@gone.example";
    static final String NO_BODY = "\"no body\"@bob.example";
    static final String GONE_TEXT = "domain gone.example has been decommissioned (test)";
    static final long INGEST_TIMEOUT_MS = 20_000;

    LmtpSink sink;
    PostfixFixture postfix;
    TestHostd hostd;
    Hostctl alice;
    Hostctl bob;
    int closedPort;
    final String run = Long.toString(System.nanoTime(), 36);

    /** Message-IDs (without brackets) of the messages produced. */
    String smtpSent;
    String sendmailSent;
    String deferred;
    String bounced;
    String mixed;
    String quoted;
    Reply reject;
    Reply quotedReject;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        PostfixFixture.assumeAvailable();
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        Path runDir = tmp.resolve("pf");
        Path maillog = runDir.resolve("log/maillog");
        hostd = TestHostd.start(data, Fixtures.CONFIG + "maillog:\n  files: [\"" + maillog + "\"]\n",
                Clock.systemUTC());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.addAccount("bob", Files.createDirectories(tmp.resolve("bob")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "alice.example");
        hostd.hostd().mailboxes().addDomain("bob", "bob.example");
        Path home = tmp.resolve("home");
        createMailbox(new Hostctl(home).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false)), ANN);
        createMailbox(new Hostctl(home).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("bob", false)), BO);
        alice = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", hostd.token("alice", true));
        bob = new Hostctl(home).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", hostd.token("bob", true));

        Path db = data.resolve(Hostd.SQLITE_FILE);
        PostfixFixture.shareSqliteWithPostfix(db);
        sink = LmtpSink.start();
        closedPort = closedPort();
        postfix = PostfixFixture.start(runDir, PostfixFixture.Backend.sqlite(db), sink.port(), Map.of(
                "down.example", "smtp:[127.0.0.1]:" + closedPort,
                "gone.example", "error:5.1.2 " + GONE_TEXT));
        produce();
    }

    @AfterAll
    void stop() {
        try {
            if (postfix != null) {
                postfix.close();
            }
        } finally {
            if (sink != null) {
                sink.close();
            }
            if (hostd != null) {
                hostd.close();
            }
        }
    }

    private void produce() throws Exception {
        smtpSent = id("smtp");
        SmtpClient.Session session = SmtpClient.send(postfix.smtpPort(), ANN, List.of(BO), message(smtpSent, BO));
        assertThat(session.rcpts()).map(Reply::code).as(postfix.logTail()).containsExactly(250);
        assertThat(session.data().code()).as(postfix.logTail()).isEqualTo(250);

        try (SmtpClient smtp = postfix.connect()) {
            smtp.ehlo("client.alice.example");
            assertThat(smtp.mailFrom(ANN).code()).isEqualTo(250);
            reject = smtp.rcptTo("nobody@bob.example");
            quotedReject = smtp.rcptTo(NO_BODY);
        }
        assertThat(reject.code()).as(postfix.logTail()).isEqualTo(550);
        assertThat(quotedReject.code()).as(postfix.logTail()).isEqualTo(550);

        sendmailSent = id("local");
        sendmail(sendmailSent, List.of(ANN));
        deferred = id("down");
        sendmail(deferred, List.of("x@down.example"));
        bounced = id("gone");
        sendmail(bounced, List.of("x@gone.example"));
        mixed = id("mixed");
        sendmail(mixed, List.of(BO, "y@gone.example"));
        quoted = id("quoted");
        sendmail(quoted, List.of(ODD));
    }

    // ---------------------------------------------------------------- tests

    @Test
    void alice_sees_each_of_her_messages_with_every_recipients_outcome() throws Exception {
        JsonNode log = awaitLog(alice, items -> status(items, smtpSent) != null && status(items, sendmailSent) != null
                && status(items, deferred) != null && status(items, bounced) != null && status(items, mixed) != null
                && "bounced".equals(status(items, quoted))
                && "sent".equals(recipientStatus(items, mixed, BO))
                && "bounced".equals(recipientStatus(items, mixed, "y@gone.example")));

        assertThat(recipients(log, smtpSent)).containsExactly(BO + "=sent");
        assertThat(recipients(log, sendmailSent)).containsExactly(ANN + "=sent");
        assertThat(recipients(log, deferred)).containsExactly("x@down.example=deferred");
        assertThat(recipients(log, bounced)).containsExactly("x@gone.example=bounced");
        assertThat(recipients(log, mixed)).containsExactly(BO + "=sent", "y@gone.example=bounced");
        assertThat(recipients(log, quoted)).as("Postfix logs the quoted local part").containsExactly(ODD + "=bounced");
        for (String id : List.of(smtpSent, sendmailSent, deferred, bounced, mixed, quoted)) {
            JsonNode m = entry(log, id);
            assertThat(m.path("direction").asText()).as(id).isEqualTo("out");
            assertThat(m.path("from").asText()).as(id).isEqualTo(ANN);
            assertThat(m.path("queueIds")).as(id).isNotEmpty();
        }
        assertThat(entry(log, smtpSent).path("status").asText()).isEqualTo("sent");
        assertThat(entry(log, sendmailSent).path("status").asText()).isEqualTo("sent");
        assertThat(entry(log, deferred).path("status").asText()).isEqualTo("deferred");
        assertThat(entry(log, bounced).path("status").asText()).isEqualTo("bounced");
        assertThat(entry(log, mixed).path("status").asText()).as("a failure outranks a delivery").isEqualTo("bounced");
        assertThat(entry(log, smtpSent).path("client").asText()).contains("127.0.0.1");
        // the reject's claimed sender attributes nothing to alice
        assertThat(log.findValuesAsText("kind")).as(log.toString()).doesNotContain("reject");
        assertThat(messageIds(log)).as(log.toString())
                .containsExactlyInAnyOrder(smtpSent, sendmailSent, deferred, bounced, mixed, quoted);
    }

    @Test
    void show_gives_the_remote_answers() throws Exception {
        awaitLog(alice, items -> status(items, deferred) != null && "bounced".equals(status(items, bounced))
                && "bounced".equals(recipientStatus(items, mixed, "y@gone.example"))
                && "sent".equals(status(items, smtpSent)));

        JsonNode sent = show(alice, smtpSent);
        JsonNode sentTo = recipient(sent, BO);
        assertThat(sentTo.path("response").asText()).isEqualTo("250 2.0.0 <" + BO + "> Saved");
        assertThat(sentTo.path("dsn").asText()).isEqualTo("2.0.0");
        assertThat(sentTo.path("relay").asText()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
        assertThat(sentTo.path("attempts")).hasSize(1);

        JsonNode down = recipient(show(alice, deferred), "x@down.example");
        assertThat(down.path("status").asText()).isEqualTo("deferred");
        assertThat(down.path("dsn").asText()).isEqualTo("4.4.1");
        assertThat(down.path("response").asText())
                .isEqualTo("connect to 127.0.0.1[127.0.0.1]:" + closedPort + ": Connection refused");
        assertThat(down.path("attempts")).isNotEmpty();
        assertThat(down.path("attempts").findValuesAsText("status")).containsOnly("deferred");

        JsonNode gone = show(alice, bounced);
        JsonNode goneTo = recipient(gone, "x@gone.example");
        assertThat(goneTo.path("dsn").asText()).isEqualTo("5.1.2");
        assertThat(goneTo.path("response").asText()).isEqualTo(GONE_TEXT);
        assertThat(goneTo.path("attempts")).hasSize(1);

        JsonNode mix = show(alice, mixed);
        assertThat(recipient(mix, BO).path("response").asText()).isEqualTo("250 2.0.0 <" + BO + "> Saved");
        assertThat(recipient(mix, "y@gone.example").path("response").asText()).isEqualTo(GONE_TEXT);

        HostctlRun table = alice.run("mail", "log", "show", entry(log(alice), bounced).path("id").asText());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("To x@gone.example: bounced", GONE_TEXT);
    }

    @Test
    void bob_sees_only_his_own_recipients_and_the_reject_at_his_domain() throws Exception {
        JsonNode log = awaitLog(bob, items -> "sent".equals(status(items, smtpSent))
                && "sent".equals(recipientStatus(items, mixed, BO)) && rejects(items).size() == 2);

        assertThat(messageIds(log)).as(log.toString()).containsExactlyInAnyOrder(smtpSent, mixed);
        assertThat(recipients(log, smtpSent)).containsExactly(BO + "=sent");
        assertThat(recipients(log, mixed)).containsExactly(BO + "=sent");
        assertThat(entry(log, smtpSent).path("direction").asText()).isEqualTo("in");
        assertThat(entry(log, mixed).path("direction").asText()).isEqualTo("in");
        assertThat(entry(log, mixed).path("status").asText()).isEqualTo("sent");
        assertThat(entry(log, mixed).has("nrcpt")).isFalse();

        List<JsonNode> rejects = rejects(log);
        assertThat(rejects).hasSize(2);
        JsonNode r = rejects.stream().filter(j -> j.path("recipients").get(0).path("address").asText()
                .equals("nobody@bob.example")).findFirst().orElseThrow();
        assertThat(r.path("status").asText()).isEqualTo("rejected");
        assertThat(r.path("direction").asText()).isEqualTo("in");
        assertThat(r.path("from").asText()).isEqualTo(ANN);
        JsonNode rr = r.path("recipients").get(0);
        assertThat(rr.path("address").asText()).isEqualTo("nobody@bob.example");
        assertThat(rr.path("status").asText()).isEqualTo("rejected");
        assertThat(rr.path("dsn").asText()).isEqualTo("550 5.1.1");
        assertThat(reject.text()).isEqualTo("5.1.1 <nobody@bob.example>: Recipient address rejected:"
                + " User unknown in virtual mailbox table");
        assertThat(rr.path("response").asText()).isEqualTo("<nobody@bob.example>: Recipient address rejected:"
                + " User unknown in virtual mailbox table");

        JsonNode shown = show(bob, mixed);
        assertThat(shown.path("recipients").findValuesAsText("address")).containsExactly(BO);
        assertThat(shown.path("recipients").toString()).doesNotContain("gone.example");

        // alice's deferred and bounced mail to third parties is not bob's
        JsonNode aliceLog = log(alice);
        for (String id : List.of(deferred, bounced, sendmailSent)) {
            HostctlRun other = bob.run("mail", "log", "show", entry(aliceLog, id).path("id").asText());
            assertThat(other.exitCode()).as(other.toString()).isEqualTo(3);
        }
        HostctlRun byQueueId = bob.run("mail", "log", "--queue-id",
                entry(aliceLog, bounced).path("queueIds").get(0).asText());
        assertThat(byQueueId.exitCode()).as(byQueueId.toString()).isEqualTo(3);
    }

    @Test
    void an_unknown_recipient_exits_3_and_wait_exits_0_when_sent_and_5_when_bounced() throws Exception {
        HostctlRun none = alice.run("mail", "log", "--to", "nobody-" + run + "@nowhere.example");
        HostctlRun sent = alice.run("mail", "log", "--message-id", smtpSent, "--wait", "20s");
        HostctlRun gone = alice.run("mail", "log", "--message-id", "<" + bounced + ">", "--wait", "20s", "-o", "json");
        HostctlRun bobSent = bob.run("mail", "log", "--message-id", smtpSent, "--wait", "20s");
        HostctlRun aliceMixed = alice.run("mail", "log", "--message-id", mixed, "--wait", "20s");
        HostctlRun bobMixed = bob.run("mail", "log", "--message-id", mixed, "--wait", "20s");

        assertThat(none.exitCode()).as(none.toString()).isEqualTo(3);
        assertThat(sent.exitCode()).as(sent + postfix.logTail()).isZero();
        assertThat(gone.exitCode()).as(gone + postfix.logTail()).isEqualTo(5);
        assertThat(Json.mapper().readTree(gone.out()).path("status").asText()).isEqualTo("bounced");
        assertThat(bobSent.exitCode()).as(bobSent.toString()).isZero();
        // the mixed message bounced for its sender, and was delivered to bob, who sees only his recipient
        assertThat(aliceMixed.exitCode()).as(aliceMixed.toString()).isEqualTo(5);
        assertThat(bobMixed.exitCode()).as(bobMixed.toString()).isZero();
    }

    @Test
    void a_quoted_local_part_is_found_as_postfix_logs_it() throws Exception {
        awaitLog(alice, items -> "bounced".equals(status(items, quoted)));
        awaitLog(bob, items -> rejects(items).size() == 2);

        for (String to : List.of(ODD, "\"Odd, User\"@GONE.example", "\"odd\\,\\ user\"@gone.example")) {
            HostctlRun run = alice.run("mail", "log", "--to", to, "-o", "json");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(messageIds(Json.mapper().readTree(run.out()))).as(to).containsExactly(quoted);
        }
        HostctlRun wait = alice.run("mail", "log", "--to", ODD, "--wait", "20s");
        assertThat(wait.exitCode()).as(wait.toString()).isEqualTo(5);

        HostctlRun refused = bob.run("mail", "log", "--to", NO_BODY, "-o", "json");
        assertThat(refused.exitCode()).as(refused.toString()).isZero();
        JsonNode r = Json.mapper().readTree(refused.out());
        assertThat(r).hasSize(1);
        assertThat(r.get(0).path("kind").asText()).isEqualTo("reject");
        assertThat(r.get(0).path("recipients").get(0).path("address").asText()).isEqualTo(NO_BODY);
        HostctlRun notAlices = alice.run("mail", "log", "--to", NO_BODY);
        assertThat(notAlices.exitCode()).as(notAlices.toString()).isEqualTo(3);
    }

    @Test
    void wait_with_to_judges_only_the_recipients_it_matches() throws Exception {
        awaitLog(alice, items -> "sent".equals(recipientStatus(items, mixed, BO))
                && "bounced".equals(recipientStatus(items, mixed, "y@gone.example")));

        HostctlRun delivered = alice.run("mail", "log", "--message-id", mixed, "--to", BO, "--wait", "20s", "-o",
                "json");
        HostctlRun byDomain = alice.run("mail", "log", "--message-id", mixed, "--to", "bob.example", "--wait", "20s");
        HostctlRun gone = alice.run("mail", "log", "--message-id", mixed, "--to", "y@gone.example", "--wait", "20s");

        assertThat(delivered.exitCode()).as(delivered.toString()).isZero();
        JsonNode entry = Json.mapper().readTree(delivered.out());
        assertThat(entry.path("status").asText()).isEqualTo("sent");
        assertThat(entry.path("recipients").findValuesAsText("address")).containsExactly(BO);
        assertThat(byDomain.exitCode()).as(byDomain.toString()).isZero();
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(5);
    }

    // ---------------------------------------------------------------- helpers

    private static List<JsonNode> rejects(JsonNode items) {
        List<JsonNode> rejects = new ArrayList<>();
        items.forEach(m -> {
            if ("reject".equals(m.path("kind").asText())) {
                rejects.add(m);
            }
        });
        return rejects;
    }

    private static void createMailbox(Hostctl h, String address) {
        HostctlRun r = h.runWithStdin("Tr0ub4dor&3-horse-staple\n", "mailbox", "create", address, "--password-stdin");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private void sendmail(String id, List<String> recipients) {
        PostfixFixture.Result r = postfix.sendmail(ANN, recipients, message(id, String.join(", ", recipients)));
        assertThat(r.exitCode()).as(r.describe() + postfix.logTail()).isZero();
    }

    private String id(String what) {
        return what + "." + run + "@alice.example";
    }

    private static String message(String id, String to) {
        return "From: <" + ANN + ">\r\n"
                + "To: " + to + "\r\n"
                + "Message-ID: <" + id + ">\r\n"
                + "Subject: send log " + id + "\r\n"
                + "\r\n"
                + "Hello.\r\n";
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private JsonNode log(Hostctl h) throws IOException {
        HostctlRun r = h.run("mail", "log", "--since", "1h", "--limit", "500", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isIn(0, 3);
        return Json.mapper().readTree(r.out());
    }

    /** Polls the send log until {@code done} holds, for at most {@link #INGEST_TIMEOUT_MS}. */
    private JsonNode awaitLog(Hostctl h, Predicate<JsonNode> done) throws Exception {
        long deadline = System.currentTimeMillis() + INGEST_TIMEOUT_MS;
        JsonNode items = log(h);
        while (!done.test(items)) {
            assertThat(System.currentTimeMillis()).as("send log did not show the expected entries: " + items
                    + postfix.logTail()).isLessThan(deadline);
            Thread.sleep(200);
            items = log(h);
        }
        return items;
    }

    private static JsonNode find(JsonNode items, String messageId) {
        for (JsonNode m : items) {
            if (("<" + messageId + ">").equals(m.path("messageId").asText()) || messageId.equals(
                    m.path("messageId").asText())) {
                return m;
            }
        }
        return null;
    }

    private static JsonNode entry(JsonNode items, String messageId) {
        JsonNode m = find(items, messageId);
        assertThat(m).as(messageId + " in " + items).isNotNull();
        return m;
    }

    private static String status(JsonNode items, String messageId) {
        JsonNode m = find(items, messageId);
        return m == null ? null : m.path("status").asText(null);
    }

    private static String recipientStatus(JsonNode items, String messageId, String address) {
        JsonNode m = find(items, messageId);
        if (m == null) {
            return null;
        }
        for (JsonNode r : m.path("recipients")) {
            if (address.equals(r.path("address").asText())) {
                return r.path("status").asText();
            }
        }
        return null;
    }

    /** {@code address=status} of each recipient, sorted. */
    private static List<String> recipients(JsonNode items, String messageId) {
        Map<String, String> byAddress = new TreeMap<>();
        entry(items, messageId).path("recipients")
                .forEach(r -> byAddress.put(r.path("address").asText(), r.path("status").asText()));
        return byAddress.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private static List<String> messageIds(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(m -> {
            if ("message".equals(m.path("kind").asText())) {
                ids.add(m.path("messageId").asText().replaceAll("^<|>$", ""));
            }
        });
        return ids;
    }

    private JsonNode show(Hostctl h, String messageId) throws IOException {
        HostctlRun r = h.run("mail", "log", "show", entry(log(h), messageId).path("id").asText(), "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.mapper().readTree(r.out());
    }

    private static JsonNode recipient(JsonNode message, String address) {
        for (JsonNode r : message.path("recipients")) {
            if (address.equals(r.path("address").asText())) {
                return r;
            }
        }
        throw new AssertionError("no recipient " + address + " in " + message);
    }
}
