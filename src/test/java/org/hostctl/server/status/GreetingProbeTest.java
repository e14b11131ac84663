package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hostctl.server.status.GreetingProbe.Protocol;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Greetings of IMAP, LMTP and ManageSieve servers on loopback: good, refusing, broken, silent and hostile ones. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GreetingProbeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration SLOW = Duration.ofSeconds(2);

    static ProbeResult probe(Protocol protocol, int port) {
        return probe(protocol, port, TIMEOUT, SLOW);
    }

    static ProbeResult probe(Protocol protocol, int port, Duration timeout, Duration slow) {
        ProbeResult r = new GreetingProbe(protocol, "127.0.0.1", port).run(timeout, slow);
        assertClean(r);
        return r;
    }

    static void assertClean(ProbeResult r) {
        assertThat(r.detail()).hasSizeLessThanOrEqualTo(200).doesNotContainPattern("\\p{Cntrl}");
        assertThat(r.millis()).isNotNegative();
    }

    /** Waits until the server recorded what the client sent after the greeting. */
    static String goodbye(LoopbackServer server) throws InterruptedException {
        for (int i = 0; i < 100 && server.received.isEmpty(); i++) {
            Thread.sleep(20);
        }
        return server.received.isEmpty() ? "" : server.received.get(0);
    }

    @Test
    void imap_ok_is_ok_and_the_session_ends_with_logout() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n")) {
            ProbeResult r = probe(Protocol.IMAP, s.port());
            assertThat(r.state()).isEqualTo(State.OK);
            assertThat(r.detail()).matches("greeting in \\d+ ms");
            assertThat(goodbye(s)).isEqualTo("a LOGOUT\r\n");
        }
    }

    @Test
    void imap_ok_in_lower_case_and_preauth_are_ok() throws Exception {
        for (String greeting : new String[] {"* ok ready\r\n", "* PREAUTH logged in as you\r\n", "* OK\r\n"}) {
            try (LoopbackServer s = LoopbackServer.greeting(greeting)) {
                assertThat(probe(Protocol.IMAP, s.port()).state()).as(greeting).isEqualTo(State.OK);
            }
        }
    }

    @Test
    void imap_bye_is_down_with_its_text() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting("* BYE Too many connections\r\n")) {
            ProbeResult r = probe(Protocol.IMAP, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("rejected: * BYE Too many connections");
        }
    }

    @Test
    void lmtp_multi_line_greeting_is_read_to_its_last_line() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting(
                "220-mx.example LMTP\r\n220-second line\r\n220 mx.example ready\r\n")) {
            ProbeResult r = probe(Protocol.LMTP, s.port());
            assertThat(r.state()).isEqualTo(State.OK);
            assertThat(r.detail()).matches("greeting in \\d+ ms");
            assertThat(goodbye(s)).isEqualTo("QUIT\r\n");
        }
    }

    @Test
    void lmtp_421_and_554_are_down_with_their_text() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting("421 4.3.2 Service shutting down\r\n")) {
            ProbeResult r = probe(Protocol.LMTP, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("rejected: 421 4.3.2 Service shutting down");
        }
        try (LoopbackServer s = LoopbackServer.greeting("220-hello\r\n554 5.3.2 no service\r\n")) {
            ProbeResult r = probe(Protocol.LMTP, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("rejected: 554 5.3.2 no service");
        }
    }

    @Test
    void managesieve_capabilities_then_ok_is_ok() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n"
                + "\"SIEVE\" \"fileinto reject\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n")) {
            ProbeResult r = probe(Protocol.MANAGESIEVE, s.port());
            assertThat(r.state()).isEqualTo(State.OK);
            assertThat(goodbye(s)).isEqualTo("LOGOUT\r\n");
        }
    }

    @Test
    void managesieve_no_and_bye_are_down() throws Exception {
        try (LoopbackServer s = LoopbackServer.greeting("\"SIEVE\" \"fileinto\"\r\nNO \"Server busy\"\r\n")) {
            ProbeResult r = probe(Protocol.MANAGESIEVE, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("rejected: NO \"Server busy\"");
        }
        try (LoopbackServer s = LoopbackServer.greeting("BYE \"Shutting down\"\r\n")) {
            ProbeResult r = probe(Protocol.MANAGESIEVE, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("rejected: BYE \"Shutting down\"");
        }
    }

    @Test
    void garbage_is_an_unexpected_greeting_quoted_without_control_characters() throws Exception {
        String garbage = "\u001b[31mHTTP/1.1 400\u0000 Bad\u0007Request " + "x".repeat(300) + "\r\n";
        for (Protocol p : Protocol.values()) {
            try (LoopbackServer s = LoopbackServer.greeting(garbage)) {
                ProbeResult r = probe(p, s.port());
                assertThat(r.state()).as(p.name()).isEqualTo(State.DOWN);
                assertThat(r.detail()).as(p.name())
                        .startsWith("unexpected greeting: [31mHTTP/1.1 400 BadRequest xxx")
                        .hasSize("unexpected greeting: ".length() + 80);
            }
        }
    }

    @Test
    void an_endless_line_is_not_read_to_its_end() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> {
            byte[] junk = "* OK ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(junk);
            }
        })) {
            long t0 = System.nanoTime();
            ProbeResult r = probe(Protocol.IMAP, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("greeting line longer than 8192 bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void endless_capability_lines_are_not_read_forever() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> {
            while (true) {
                out.write("\"SIEVE\" \"fileinto\"\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        })) {
            ProbeResult r = probe(Protocol.MANAGESIEVE, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("more than 100 greeting lines");
        }
    }

    @Test
    void a_server_that_accepts_but_never_speaks_is_down_within_the_timeout() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> Thread.sleep(30_000))) {
            Duration timeout = Duration.ofMillis(700);
            long t0 = System.nanoTime();
            ProbeResult r = probe(Protocol.IMAP, s.port(), timeout, SLOW);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("no answer within 700 ms");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(timeout.plusSeconds(2));
        }
    }

    @Test
    void a_greeting_trickled_byte_by_byte_still_ends_at_the_timeout() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> {
            while (true) {
                out.write('*');
                out.flush();
                Thread.sleep(100);
            }
        })) {
            long t0 = System.nanoTime();
            ProbeResult r = probe(Protocol.IMAP, s.port(), Duration.ofSeconds(1), SLOW);
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("no answer within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void a_slow_greeting_is_degraded() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> {
            Thread.sleep(400);
            out.write("* OK late\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readNBytes(100);
        })) {
            ProbeResult r = probe(Protocol.IMAP, s.port(), TIMEOUT, Duration.ofMillis(150));
            assertThat(r.state()).isEqualTo(State.DEGRADED);
            assertThat(r.detail()).matches("greeting in \\d+ ms \\(slow\\)");
            assertThat(r.millis()).isGreaterThanOrEqualTo(350);
        }
    }

    @Test
    void a_connection_closed_before_the_greeting_is_down() throws Exception {
        try (LoopbackServer s = LoopbackServer.serving((socket, in, out) -> {})) {
            ProbeResult r = probe(Protocol.LMTP, s.port());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("connection closed before the greeting");
        }
    }

    @Test
    void a_closed_port_is_refused() {
        for (Protocol p : Protocol.values()) {
            ProbeResult r = probe(p, LoopbackServer.closedPort());
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("connection refused");
        }
    }

    @Test
    void an_unknown_host_is_down() {
        ProbeResult r = new GreetingProbe(Protocol.IMAP, "no-such-host.invalid", 143)
                .run(Duration.ofSeconds(2), SLOW);
        assertClean(r);
        assertThat(r.state()).isEqualTo(State.DOWN);
        // without a resolver the lookup may hang instead of failing: then the deadline must end it
        assertThat(r.detail()).isIn("unknown host", "no answer within 2 s");
        assertThat(r.millis()).isLessThan(4_000);
    }

    @Test
    void a_port_out_of_range_is_rejected_at_construction() {
        assertThatThrownBy(() -> new GreetingProbe(Protocol.IMAP, "127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void no_time_left_is_down_without_connecting() throws IOException {
        try (LoopbackServer s = LoopbackServer.greeting("* OK\r\n")) {
            ProbeResult r = probe(Protocol.IMAP, s.port(), Duration.ZERO, SLOW);
            assertThat(r.state()).isEqualTo(State.DOWN);
            assertThat(r.detail()).isEqualTo("no answer within 0 s");
        }
    }
}
