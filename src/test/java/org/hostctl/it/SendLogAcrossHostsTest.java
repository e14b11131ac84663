package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two mail hosts, one store: Postfix {@code mx.hostd.test} takes mail for alice.example and relays it by SMTP to
 * Postfix {@code mbox.hostd.test} (transport {@code smtp:[127.0.0.1]:port}), which delivers it by LMTP to an
 * {@link LmtpSink}. Each writes its own {@code maillog_file}; one hostd per host follows its log into one private
 * PostgreSQL database, and both Postfix instances read hostd's domain and mailbox tables from it. Alice sees each
 * message once, with both hops and the final delivery, although each hostd was stopped while its host kept
 * logging and read the rest after its restart.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SendLogAcrossHostsTest {
    static final String ANN = "ann@alice.example";
    static final long TIMEOUT_MS = 30_000;

    final String run = Long.toString(System.nanoTime(), 36);

    @Test
    void a_relayed_message_is_one_trail_with_both_hops_and_each_node_restarts_without_loss_or_duplicate(
            @TempDir Path tmp) throws Exception {
        PostfixFixture.assumeAvailable();
        PostgresFixture pg = PostgresFixture.require();
        String url = pg.createDatabase("hostd_hosts");
        Path mxRun = tmp.resolve("mx");
        Path mboxRun = tmp.resolve("mbox");
        Path mxLog = mxRun.resolve("log/maillog");
        Path mboxLog = mboxRun.resolve("log/maillog");
        Path mxData = tmp.resolve("mx-data");
        Path mboxData = tmp.resolve("mbox-data");
        String mxConfig = config(url, mxLog, "mx-node");
        String mboxConfig = config(url, mboxLog, "mbox-node");

        TestHostd mxNode = TestHostd.start(TestHostd.dataDir(mxData), mxConfig, Clock.systemUTC());
        TestHostd mboxNode = TestHostd.start(TestHostd.dataDir(mboxData), mboxConfig, Clock.systemUTC());
        List<AutoCloseable> open = new ArrayList<>();
        try (LmtpSink sink = LmtpSink.start()) {
            mxNode.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
            mxNode.hostd().mailboxes().addDomain("alice", "alice.example");
            Path home = tmp.resolve("home");
            HostctlRun created = new Hostctl(home).env("HOSTCTL_API_URL", mxNode.url())
                    .env("HOSTCTL_TOKEN", mxNode.token("alice", false))
                    .runWithStdin("Tr0ub4dor&3-horse-staple\n", "mailbox", "create", ANN, "--password-stdin");
            assertThat(created.exitCode()).as(created.toString()).isZero();

            PostfixFixture.Backend backend = PostfixFixture.Backend.pgsql(pg.port(), "hostd_hosts", "postgres");
            PostfixFixture mbox = PostfixFixture.start(mboxRun, backend, sink.port(), Map.of(), "mbox.hostd.test");
            open.add(mbox);
            PostfixFixture mx = PostfixFixture.start(mxRun, backend, sink.port(),
                    Map.of("alice.example", "smtp:[127.0.0.1]:" + mbox.smtpPort()), "mx.hostd.test");
            open.add(mx);

            // 1: both nodes running
            String first = send(mx, sink, "first");
            // 2: the mailbox host's node is stopped while its host logs the delivery
            mboxNode.close();
            String second = send(mx, sink, "second");
            mboxNode = TestHostd.start(mboxData, mboxConfig, Clock.systemUTC());
            // 3: the MX host's node is stopped while its host logs the relay
            mxNode.close();
            String third = send(mx, sink, "third");
            mxNode = TestHostd.start(mxData, mxConfig, Clock.systemUTC());

            // the API of either node answers from the one store
            Hostctl alice = new Hostctl(home).env("HOSTCTL_API_URL", mboxNode.url())
                    .env("HOSTCTL_TOKEN", mxNode.token("alice", true));
            JsonNode log = awaitLog(alice, items -> {
                for (String id : List.of(first, second, third)) {
                    JsonNode m = find(items, id);
                    // until the MX host's half is stored, the mailbox host's record stands alone
                    if (m == null || !"sent".equals(m.path("status").asText())
                            || !"mx".equals(m.path("host").asText())) {
                        return false;
                    }
                }
                return items.size() == 3;
            }, mx, mbox);

            assertThat(log).as("each message once: the mailbox host's record is a hop, not a message")
                    .hasSize(3);
            for (String id : List.of(first, second, third)) {
                JsonNode m = find(log, id);
                assertThat(m.path("host").asText()).as(id).isEqualTo("mx");
                assertThat(m.path("recipients").findValuesAsText("status")).as(id).containsExactly("sent");

                JsonNode shown = show(alice, m.path("id").asText());
                assertThat(shown.path("hops").findValuesAsText("host")).as(id).containsExactly("mx", "mbox");
                for (JsonNode hop : shown.path("hops")) {
                    assertThat(hop.path("removedAt").asText()).as("left the queue of " + hop).isNotEmpty();
                }
                JsonNode to = shown.path("recipients").get(0);
                assertThat(to.path("address").asText()).isEqualTo(ANN);
                assertThat(to.path("status").asText()).isEqualTo("sent");
                assertThat(to.path("response").asText()).as("the final delivery, by LMTP on the mailbox host")
                        .isEqualTo("250 2.0.0 <" + ANN + "> Saved");
                assertThat(to.path("relay").asText()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
                List<String> hosts = to.path("attempts").findValuesAsText("host");
                assertThat(hosts).as(id).containsExactly("mx", "mbox");
                String handed = to.path("attempts").get(0).path("response").asText();
                assertThat(handed).startsWith("250 2.0.0 Ok: queued as ");
                assertThat(shown.path("hops").get(1).path("queueIds").get(0).asText())
                        .isEqualTo(handed.substring("250 2.0.0 Ok: queued as ".length()));
            }
            HostctlRun table = alice.run("mail", "log", "show", find(log, second).path("id").asText());
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).contains("Host        mx", "Hops:", "  mbox  ", "To " + ANN + ": sent");

            HostctlRun stats = alice.run("mail", "log", "stats", "--since", "1h", "-o", "json");
            assertThat(stats.exitCode()).as(stats.toString()).isZero();
            long sent = 0;
            for (JsonNode b : Json.mapper().readTree(stats.out()).path("buckets")) {
                sent += b.path("sent").asLong();
            }
            assertThat(sent).as("three recipients delivered, each counted once").isEqualTo(3);

            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                assertThat(count(s, "SELECT COUNT(*) FROM maillog_message WHERE host = 'mx'")).isEqualTo(3);
                assertThat(count(s, "SELECT COUNT(*) FROM maillog_message WHERE host = 'mbox'")).isEqualTo(3);
                assertThat(count(s, "SELECT COUNT(*) FROM maillog_message WHERE host = 'mbox'"
                        + " AND hop_of IS NOT NULL")).isEqualTo(3);
                assertThat(count(s, "SELECT COUNT(DISTINCT source) FROM maillog_checkpoint")).isEqualTo(2);
            }
        } finally {
            java.util.Collections.reverse(open);
            for (AutoCloseable c : open) {
                c.close();
            }
            mxNode.close();
            mboxNode.close();
        }
    }

    private static String config(String url, Path maillog, String node) {
        return Fixtures.CONFIG + "database: \"" + url + "\"\nmaillog:\n  files: [\"" + maillog + "\"]\n"
                + "status:\n  node: " + node + "\n";
    }

    /** Submits a message on the MX host and waits until the mailbox host delivered it. */
    private String send(PostfixFixture mx, LmtpSink sink, String what) {
        String id = what + "." + run + "@remote.example";
        SmtpClient.Session session = SmtpClient.send(mx.smtpPort(), "x@remote.example", List.of(ANN),
                "From: <x@remote.example>\r\nTo: " + ANN + "\r\nMessage-ID: <" + id + ">\r\nSubject: " + what
                        + "\r\n\r\nHello.\r\n");
        assertThat(session.data().code()).as(mx.logTail()).isEqualTo(250);
        assertThat(sink.await(ANN, id, Duration.ofSeconds(20))).as(mx.logTail()).isPresent();
        return id;
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode log(Hostctl h) throws Exception {
        HostctlRun r = h.run("mail", "log", "--since", "1h", "--limit", "500", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isIn(0, 3);
        return Json.mapper().readTree(r.out());
    }

    private static JsonNode awaitLog(Hostctl h, Predicate<JsonNode> done, PostfixFixture mx, PostfixFixture mbox)
            throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        JsonNode items = log(h);
        while (!done.test(items)) {
            assertThat(System.currentTimeMillis()).as("send log did not show the trails: " + items + mx.logTail()
                    + mbox.logTail()).isLessThan(deadline);
            Thread.sleep(300);
            items = log(h);
        }
        return items;
    }

    private static JsonNode find(JsonNode items, String messageId) {
        for (JsonNode m : items) {
            if (("<" + messageId + ">").equals(m.path("messageId").asText())) {
                return m;
            }
        }
        return null;
    }

    private static JsonNode show(Hostctl h, String id) throws Exception {
        HostctlRun r = h.run("mail", "log", "show", id, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.mapper().readTree(r.out());
    }
}
