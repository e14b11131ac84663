package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GET against the JDK's HTTP server on loopback: answers below 500 are fine, 5xx degraded, silence down. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpProbeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration SLOW = Duration.ofSeconds(2);

    HttpServer server;
    ExecutorService handlers;
    final AtomicInteger redirectTargetHits = new AtomicInteger();
    final CountDownLatch hugeCut = new CountDownLatch(1);
    final java.util.List<String> hostHeaders = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/ok", x -> answer(x, 200, "hello"));
        server.createContext("/host", x -> {
            hostHeaders.add(x.getRequestHeaders().getFirst("Host"));
            x.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = x.getResponseBody()) {
                out.write("<?php echo 'not run';".getBytes());
            }
        });
        server.createContext("/source", x -> answer(x, 200, "<?php\n$db_password = 'secret';\n"));
        server.createContext("/code-sample", x -> answer(x, 404, "<pre>&lt;?php</pre> <?php not run"));
        server.createContext("/missing", x -> answer(x, 404, "not here"));
        server.createContext("/error", x -> answer(x, 500, "broken"));
        server.createContext("/unavailable", x -> answer(x, 503, ""));
        server.createContext("/moved", x -> {
            x.getResponseHeaders().add("Location", "/target");
            answer(x, 302, "");
        });
        server.createContext("/target", x -> {
            redirectTargetHits.incrementAndGet();
            answer(x, 500, "followed");
        });
        server.createContext("/sleepy", x -> {
            sleep(400);
            answer(x, 200, "late");
        });
        server.createContext("/hang", x -> {
            sleep(30_000);
            answer(x, 200, "too late");
        });
        server.createContext("/huge", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 16 * 1024; i++) { // 1 GiB unless the client stops reading
                    out.write(chunk);
                }
            } catch (IOException e) {
                hugeCut.countDown(); // the probe stopped reading
            }
        });
        server.start();
    }

    @AfterAll
    void stop() throws InterruptedException {
        server.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
    }

    static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes();
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    ProbeResult probe(String path, Duration timeout, Duration slow) {
        ProbeResult r = new HttpProbe(url(path)).run(timeout, slow);
        GreetingProbeTest.assertClean(r);
        return r;
    }

    @Test
    void status_200_is_ok() {
        ProbeResult r = probe("/ok", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).matches("HTTP 200 in \\d+ ms");
    }

    @Test
    void a_page_that_is_PHP_source_is_down_and_named() {
        ProbeResult r = probe("/source", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("PHP source served at " + url("/source")
                + ": handler not defined in the web server");
        assertThat(probe("/code-sample", TIMEOUT, SLOW).state()).as("an error page is no site").isEqualTo(State.OK);
    }

    @Test
    void with_a_connect_host_a_name_that_does_not_resolve_is_reached_there_and_named_in_the_Host_header() {
        int port = server.getAddress().getPort();
        URI named = URI.create("http://site.invalid:" + port + "/ok");
        assertThat(new HttpProbe(named).run(TIMEOUT, SLOW).state()).as("without it").isEqualTo(State.DOWN);

        ProbeResult ok = new HttpProbe(named, "127.0.0.1").run(TIMEOUT, SLOW);
        ProbeResult source = new HttpProbe(URI.create("http://site.invalid:" + port + "/host"), "127.0.0.1")
                .run(TIMEOUT, SLOW);
        ProbeResult closed = new HttpProbe(URI.create("http://site.invalid:" + LoopbackServer.closedPort() + "/"),
                "127.0.0.1").run(TIMEOUT, SLOW);

        assertThat(ok.state()).isEqualTo(State.OK);
        assertThat(ok.detail()).matches("HTTP 200 in \\d+ ms");
        assertThat(source.state()).as("a chunked body is read").isEqualTo(State.DOWN);
        assertThat(source.detail()).startsWith("PHP source served at http://site.invalid:");
        assertThat(hostHeaders).containsExactly("site.invalid:" + port);
        assertThat(closed.state()).isEqualTo(State.DOWN);
        assertThat(closed.detail()).isEqualTo("connection refused");
    }

    @Test
    void status_404_is_ok_because_the_server_answers() {
        ProbeResult r = probe("/missing", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).matches("HTTP 404 in \\d+ ms");
    }

    @Test
    void status_500_and_503_are_degraded() {
        ProbeResult r = probe("/error", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.DEGRADED);
        assertThat(r.detail()).matches("HTTP 500 in \\d+ ms");
        assertThat(probe("/unavailable", TIMEOUT, SLOW).detail()).matches("HTTP 503 in \\d+ ms");
    }

    @Test
    void a_redirect_is_not_followed() {
        ProbeResult r = probe("/moved", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).matches("HTTP 302 in \\d+ ms");
        assertThat(redirectTargetHits).hasValue(0);
    }

    @Test
    void a_slow_answer_is_degraded() {
        ProbeResult r = probe("/sleepy", TIMEOUT, Duration.ofMillis(150));
        assertThat(r.state()).isEqualTo(State.DEGRADED);
        assertThat(r.detail()).matches("HTTP 200 in \\d+ ms \\(slow\\)");
        assertThat(r.millis()).isGreaterThanOrEqualTo(350);
    }

    @Test
    void no_answer_within_the_timeout_is_down_and_the_probe_ends_at_it() {
        long t0 = System.nanoTime();
        ProbeResult r = probe("/hang", Duration.ofMillis(800), SLOW);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("no answer within 800 ms");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofMillis(2_800));
    }

    @Test
    void a_huge_body_is_not_read() throws InterruptedException {
        long t0 = System.nanoTime();
        ProbeResult r = probe("/huge", TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.OK);
        assertThat(r.detail()).matches("HTTP 200 in \\d+ ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(hugeCut.await(5, TimeUnit.SECONDS)).as("the client hung up long before 1 GiB").isTrue();
    }

    @Test
    void an_unreachable_port_is_down() {
        ProbeResult r = new HttpProbe(URI.create("http://127.0.0.1:" + LoopbackServer.closedPort() + "/"))
                .run(TIMEOUT, SLOW);
        assertThat(r.state()).isEqualTo(State.DOWN);
        assertThat(r.detail()).isEqualTo("connection refused");
    }

    @Test
    void only_http_and_https_urls_are_accepted() {
        assertThatThrownBy(() -> new HttpProbe(URI.create("ftp://127.0.0.1/"))).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpProbe(URI.create("file:///etc/passwd"))).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpProbe(URI.create("/relative"))).isInstanceOf(
                IllegalArgumentException.class);
    }
}
