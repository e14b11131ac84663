package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.support.Fixtures;
import org.hostctl.support.RawApi;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http:} limits of hostd.yaml hold: silent and slow connections are closed after their timeouts, and
 * connections beyond {@code maxConnections} wait in the accept queue until others close. (How fast hostd answers next to
 * thousands of connections is measured by {@code hostd-bench-connections}, not here.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLimitsTest {
    TestHostd hostd;
    int port;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + """
                http:
                  maxConnections: 16
                  maxThreads: 8
                  acceptQueue: 64
                  idleTimeoutSeconds: 6
                  headerTimeoutSeconds: 2
                """, Fixtures.CLOCK);
        port = hostd.http().port();
    }

    @AfterAll
    void stop() {
        hostd.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    /** Seconds until hostd closes {@code s}, sending {@code trickle} every 300 ms meanwhile (null: nothing). */
    private static double secondsUntilClosed(Socket s, String trickle, Duration atMost) throws IOException {
        long t0 = System.nanoTime();
        s.setSoTimeout(300);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (System.nanoTime() - t0 < atMost.toNanos()) {
            try {
                if (in.read() < 0) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (SocketTimeoutException e) {
                if (trickle != null) {
                    try {
                        out.write(trickle.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        return (System.nanoTime() - t0) / 1e9;
                    }
                }
            } catch (IOException reset) {
                return (System.nanoTime() - t0) / 1e9;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    @Test
    void a_silent_connection_is_closed_after_the_idle_timeout() throws IOException {
        try (Socket s = connect()) {
            assertThat(secondsUntilClosed(s, null, Duration.ofSeconds(15))).isBetween(5.5, 9.0);
        }
    }

    @Test
    void a_client_trickling_its_headers_is_closed_after_the_header_timeout_though_never_silent() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(secondsUntilClosed(s, "X-Slow: 1\r\n", Duration.ofSeconds(15))).isBetween(1.5, 4.5);
        }
    }

    @Test
    void connections_beyond_the_limit_wait_for_others_to_close_and_are_then_answered() throws IOException {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                idle.add(s);
            }
            long t0 = System.nanoTime();
            RawApi.Reply r = new RawApi(hostd.url()).get("/v1/openapi.yaml", null);
            double took = (System.nanoTime() - t0) / 1e9;

            assertThat(r.status()).isEqualTo(200);
            // 16 silent connections hold every slot: the request waits in the accept queue until they time out
            assertThat(took).as("held back by the limit, answered once idle connections closed").isBetween(3.0, 20.0);
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
