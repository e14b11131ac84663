package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.server.sieve.ManageSieveClient.Settings;
import org.hostctl.server.sieve.ManageSieveClient.Tls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a scripted, hostile ManageSieve server on 127.0.0.1. */
class ManageSieveClientTest {
    static final String GREETING = "\"IMPLEMENTATION\" \"Fake\"\r\n\"SIEVE\" \"fileinto\"\r\n\"SASL\" \"PLAIN\"\r\n"
            + "\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n";
    static final Duration READ_TIMEOUT = Duration.ofMillis(800);
    static final Duration LIMIT = Duration.ofSeconds(5);
    static final char[] MASTER_PASSWORD = "m@ster-pässwörd".toCharArray();

    private final List<FakeServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(FakeServer::close);
    }

    // ---------------------------------------------------------------- bounded reads

    @ParameterizedTest
    @ValueSource(strings = {"{4294967296}", "{99999999}", "{-1}", "{99999999999999999999}", "{12+}", "{}"})
    void an_oversized_negative_or_bad_literal_is_refused_without_reading_or_allocating_it(String literal) {
        FakeServer server = server((in, out) -> {
            send(out, "\"IMPLEMENTATION\" " + literal + "\r\n");
            stall();
        });
        long[] allocated = new long[1];
        SieveUnavailableException e = fails(() -> {
            long before = allocatedBytes();
            try {
                ManageSieveClient.connect(settings(server)).close();
            } finally {
                allocated[0] = allocatedBytes() - before;
            }
        });
        assertThat(e.getMessage()).contains("mail backend fake").containsAnyOf("literal", "unexpected byte");
        assertThat(allocated[0]).as("bytes allocated").isLessThan(4L * 1024 * 1024);
    }

    @Test
    void a_literal_shorter_than_announced_times_out() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in); // AUTHENTICATE
            send(out, "OK \"Logged in.\"\r\n");
            readCommand(in); // CHECKSCRIPT
            send(out, "NO {50}\r\nline 1: error: short");
            stall();
        });
        SieveUnavailableException e = fails(() -> {
            try (ManageSieveClient c = authenticated(server)) {
                c.checkScript("keep;");
            }
        });
        assertThat(e.getMessage()).contains("mail backend fake", "CHECKSCRIPT", "within 800 ms");
    }

    @Test
    void a_line_without_crlf_that_never_ends_exceeds_the_line_limit() {
        FakeServer server = server((in, out) -> {
            send(out, "\"IMPLEMENTATION\" \"");
            byte[] chunk = "a".repeat(4096).getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(chunk);
            }
        });
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings(server)));
        assertThat(e.getMessage()).contains("mail backend fake", "longer than 65536 bytes");
    }

    @Test
    void an_endless_capability_list_is_cut_off() {
        FakeServer server = server((in, out) -> {
            for (int i = 0; ; i++) {
                send(out, "\"X-CAP-" + i + "\" \"value\"\r\n");
            }
        });
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings(server)));
        assertThat(e.getMessage()).contains("mail backend fake", "more than 64 lines");
    }

    @Test
    void a_server_that_stops_answering_mid_reply_times_out() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in);
            send(out, "OK \"Logged in.\"\r\n");
            readCommand(in); // LISTSCRIPTS
            send(out, "\"one\"\r\n\"tw");
            stall();
        });
        SieveUnavailableException e = fails(() -> {
            try (ManageSieveClient c = authenticated(server)) {
                c.listScripts();
            }
        });
        assertThat(e.getMessage()).contains("mail backend fake", "LISTSCRIPTS", "within 800 ms");
    }

    @Test
    void a_server_dripping_one_byte_at_a_time_is_bounded_by_the_response_deadline() {
        FakeServer server = server((in, out) -> {
            send(out, "\"IMPLEMENTATION\" \"");
            while (true) {
                send(out, "a");
                Thread.sleep(100);
            }
        });
        long start = System.nanoTime();
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings(server)));
        assertThat(e.getMessage()).contains("within 800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void an_unsolicited_bye_with_a_referral_ends_the_session_and_is_not_followed() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in);
            send(out, "OK \"Logged in.\"\r\n");
            readCommand(in); // LISTSCRIPTS
            send(out, "BYE (REFERRAL \"sieve://attacker:4190\") \"go there\"\r\n");
            stall();
        });
        SieveUnavailableException e = fails(() -> {
            try (ManageSieveClient c = authenticated(server)) {
                c.listScripts();
            }
        });
        assertThat(e.getMessage()).contains("mail backend fake", "BYE", "sieve://attacker:4190", "not followed");
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void a_bye_as_greeting_is_an_error() {
        FakeServer server = server((in, out) -> send(out, "BYE \"Too many connections\"\r\n"));
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings(server)));
        assertThat(e.getMessage()).contains("mail backend fake", "Too many connections");
    }

    @Test
    void a_connection_refused_names_the_backend() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Settings settings = Settings.of("fake", "127.0.0.1", port, Tls.NONE, null)
                .withTimeouts(READ_TIMEOUT, READ_TIMEOUT);
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings));
        assertThat(e.getMessage()).contains("mail backend fake", "cannot connect to 127.0.0.1:" + port);
    }

    // ---------------------------------------------------------------- bytes sent

    @Test
    void authenticate_plain_sends_authzid_authcid_and_password_as_one_initial_response() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in);
            send(out, "OK \"Logged in.\"\r\n");
            readCommand(in);
            send(out, "OK \"Logout completed.\"\r\n");
        });
        assertTimeoutPreemptively(LIMIT, () -> authenticated(server).close());
        String payload = Base64.getEncoder().encodeToString(
                "alice@example.com\0hostd-master\0m@ster-pässwörd".getBytes(StandardCharsets.UTF_8));
        assertThat(server.receivedText())
                .isEqualTo("AUTHENTICATE \"PLAIN\" \"" + payload + "\"\r\nLOGOUT\r\n");
    }

    @Test
    void putscript_sends_a_non_synchronising_literal_with_the_utf8_byte_count_and_a_quoted_name() {
        String script = "# Grüße ✓ 😀\r\nkeep;\r\n";
        int bytes = script.getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isNotEqualTo(script.length());
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in);
            send(out, "OK \"Logged in.\"\r\n");
            readCommand(in);
            send(out, "OK (WARNINGS) \"line 1: warning: odd\"\r\n");
            readCommand(in);
            send(out, "OK\r\n");
        });
        ManageSieveClient.Response[] response = new ManageSieveClient.Response[1];
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ManageSieveClient c = authenticated(server)) {
                response[0] = c.putScript("say \"hi\" \\ ü", script);
            }
        });
        assertThat(response[0].code().name()).isEqualTo("WARNINGS");
        assertThat(response[0].text()).isEqualTo("line 1: warning: odd");
        String sent = server.receivedText();
        assertThat(sent.substring(sent.indexOf("PUTSCRIPT")))
                .isEqualTo("PUTSCRIPT \"say \\\"hi\\\" \\\\ ü\" {" + bytes + "+}\r\n" + script + "\r\nLOGOUT\r\n");
    }

    @Test
    void a_server_without_starttls_gets_no_credential_when_starttls_is_configured() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING);
            readCommand(in);
            send(out, "OK \"Logged in.\"\r\n");
            stall();
        });
        Settings settings = Settings.of("fake", "127.0.0.1", server.port(), Tls.STARTTLS, null)
                .withTimeouts(READ_TIMEOUT, READ_TIMEOUT);
        ManageSieveBackend backend = new ManageSieveBackend(settings, "hostd-master", MASTER_PASSWORD, 1 << 20);
        SieveUnavailableException e = fails(() -> backend.list("alice@example.com"));
        assertThat(e.getMessage()).contains("mail backend fake", "does not offer STARTTLS");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void data_injected_after_the_starttls_ok_is_refused_before_the_handshake() {
        FakeServer server = server((in, out) -> {
            send(out, GREETING.replace("OK \"ready\"", "\"STARTTLS\"\r\nOK \"ready\""));
            readCommand(in);
            send(out, "OK \"Begin TLS negotiation now.\"\r\nOK \"injected\"\r\n");
            stall();
        });
        Settings settings = Settings.of("fake", "127.0.0.1", server.port(), Tls.STARTTLS, null)
                .withTimeouts(READ_TIMEOUT, READ_TIMEOUT);
        SieveUnavailableException e = fails(() -> ManageSieveClient.connect(settings));
        assertThat(e.getMessage()).contains("possible injection");
        assertThat(server.receivedText()).isEqualTo("STARTTLS\r\n");
    }

    @Test
    void tls_none_is_refused_for_a_host_that_is_not_loopback() {
        assertThatThrownBy(() -> Settings.of("b", "mail.example.com", 4190, Tls.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> Settings.of("b", "10.0.0.1", 4190, Tls.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Settings.of("b", "127.0.0.1", 4190, Tls.NONE, null).tls()).isEqualTo(Tls.NONE);
        assertThat(Settings.of("b", "::1", 4190, Tls.NONE, null).tls()).isEqualTo(Tls.NONE);
    }

    @Test
    void names_that_cannot_be_quoted_are_refused_before_sending() {
        for (String name : List.of("", "a\r\nDELETESCRIPT \"x\"", "nul\0", "del\u007f", "c1\u0085", "ls\u2028",
                "\ud800", "x".repeat(1025))) {
            assertThatThrownBy(() -> ManageSieveClient.quoted(name))
                    .as(name).isInstanceOfSatisfying(SieveException.class,
                            e -> assertThat(e.code()).isEqualTo(SieveException.Code.INVALID_NAME));
        }
    }

    // ---------------------------------------------------------------- backend mapping

    @Test
    void the_backend_maps_codes_compile_errors_warnings_and_auth_failures() {
        String errors = "rule: line 4: error: expected end of command ';'.\r\nrule: error: parse failed.\r\n";
        List<String> answers = List.of(
                "NO (QUOTA/FOO) \"Quota exceeded\"\r\n",
                "NO {" + errors.length() + "}\r\n" + errors + "\r\n",
                "OK (WARNINGS) {27}\r\nrule: line 2: warning: w1\r\n\r\n",
                "NO (NONEXISTENT) \"Sieve script `nope' not found\"\r\n",
                "NO (X-UNKNOWN) \"Invalid Sieve script name `a'.\"\r\n",
                "NO (TRYLATER) \"busy\"\r\n");
        AtomicInteger connection = new AtomicInteger();
        FakeServer server = server((in, out) -> {
            int n = connection.getAndIncrement();
            send(out, GREETING);
            readCommand(in);
            if (n < answers.size()) {
                send(out, "OK \"Logged in.\"\r\n");
                readCommand(in);
                send(out, answers.get(n));
            } else {
                send(out, n == answers.size() ? "NO \"Authorization failed\"\r\n" : "NO \"Authentication failed.\"\r\n");
            }
            readCommand(in); // LOGOUT
            send(out, "OK \"Logout completed.\"\r\n");
        });
        ManageSieveBackend backend = new ManageSieveBackend(settings(server), "hostd-master", MASTER_PASSWORD, 1000);
        String user = "alice@example.com";
        assertTimeoutPreemptively(LIMIT, () -> {
            assertThatThrownBy(() -> backend.put(user, "rule", "keep;")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.QUOTA));
            assertThatThrownBy(() -> backend.put(user, "rule", "keep"))
                    .isInstanceOfSatisfying(SieveCompileException.class, e -> assertThat(e.errors())
                            .containsExactly("line 4: error: expected end of command ';'.", "error: parse failed."));
            assertThat(backend.put(user, "rule", "keep;")).containsExactly("line 2: warning: w1");
            assertThatThrownBy(() -> backend.get(user, "nope")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.NONEXISTENT));
            assertThatThrownBy(() -> backend.delete(user, "a")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.INVALID_NAME));
            assertThatThrownBy(() -> backend.activate(user, "a")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.TRYLATER));
            assertThatThrownBy(() -> backend.list("ghost@example.com")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.NONEXISTENT));
            assertThatThrownBy(() -> backend.list(user)).isInstanceOf(SieveUnavailableException.class)
                    .hasMessageContaining("master user login").hasMessageNotContaining("m@ster");
            assertThatThrownBy(() -> backend.put(user, "big", "#".repeat(1001)))
                    .isInstanceOfSatisfying(SieveException.class,
                            e -> assertThat(e.code()).isEqualTo(SieveException.Code.QUOTA));
            assertThatThrownBy(() -> backend.put(user, "a/b", "keep;")).isInstanceOfSatisfying(SieveException.class,
                    e -> assertThat(e.code()).isEqualTo(SieveException.Code.INVALID_NAME));
        });
        assertThat(server.accepted()).isEqualTo(8);
    }

    // ---------------------------------------------------------------- helpers

    static SieveUnavailableException fails(Executable action) {
        return assertTimeoutPreemptively(LIMIT, () -> assertThrows(SieveUnavailableException.class, action));
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    Settings settings(FakeServer server) {
        return Settings.of("fake", "127.0.0.1", server.port(), Tls.NONE, null).withTimeouts(READ_TIMEOUT, READ_TIMEOUT);
    }

    ManageSieveClient authenticated(FakeServer server) {
        ManageSieveClient c = ManageSieveClient.connect(settings(server));
        c.authenticatePlain("alice@example.com", "hostd-master", MASTER_PASSWORD);
        return c;
    }

    FakeServer server(FakeServer.Script script) {
        FakeServer server = new FakeServer(script);
        servers.add(server);
        return server;
    }

    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static void stall() throws InterruptedException {
        Thread.sleep(60_000);
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+}$");

    /** One command line, with the contents of a trailing {@code {N+}} literal and the rest of its line. */
    static String readCommand(InputStream in) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(in);
            command.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            Matcher m = LITERAL.matcher(line);
            if (!m.find()) {
                return command.toString(StandardCharsets.UTF_8);
            }
            command.writeBytes(in.readNBytes(Integer.parseInt(m.group(1))));
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("client closed");
            }
            if (prev == '\r' && c == '\n') {
                byte[] b = line.toByteArray();
                return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
            }
            line.write(c);
            prev = c;
        }
    }

    /** A ManageSieve server on 127.0.0.1: plays the script on each connection in turn, records what it read. */
    static final class FakeServer implements AutoCloseable {
        interface Script {
            void play(InputStream in, OutputStream out) throws Exception;
        }

        private final ServerSocket listener;
        private final Thread thread;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = new ArrayList<>();

        FakeServer(Script script) {
            try {
                listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            thread = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = accept();
                        script.play(record(socket.getInputStream()), socket.getOutputStream());
                    } catch (Exception e) {
                        // the client hung up or the test ended
                    }
                }
            }, "fake-managesieve");
            thread.setDaemon(true);
            thread.start();
        }

        private Socket accept() throws IOException {
            Socket socket = listener.accept();
            accepted.incrementAndGet();
            synchronized (sockets) {
                sockets.add(socket);
            }
            return socket;
        }

        private InputStream record(InputStream raw) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    int c = raw.read();
                    if (c >= 0) {
                        synchronized (received) {
                            received.write(c);
                        }
                    }
                    return c;
                }
            };
        }

        int port() {
            return listener.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        /** Everything the client sent that the script read, plus whatever is still unread. */
        byte[] received() {
            drain();
            synchronized (received) {
                return received.toByteArray();
            }
        }

        String receivedText() {
            return new String(received(), StandardCharsets.UTF_8);
        }

        private void drain() {
            synchronized (sockets) {
                for (Socket s : sockets) {
                    try {
                        InputStream in = s.getInputStream();
                        while (in.available() > 0) {
                            int c = in.read();
                            synchronized (received) {
                                received.write(c);
                            }
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }
            }
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                listener.close();
            } catch (IOException e) {
                // ignore
            }
            synchronized (sockets) {
                for (Socket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // ignore
                    }
                }
            }
        }
    }
}
