package org.hostctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.Problem;
import org.hostctl.api.SieveCheckResult;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveScript;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.api.SieveTestResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HttpHostApiTest {
    private static final String TOKEN = "hct_secret-token-value";
    private MockWebServer server;
    private StringWriter trace;
    private HttpHostApi api;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
        trace = new StringWriter();
        api = new HttpHostApi(server.url("/").toString(), TOKEN, "hostctl/test", new PrintWriter(trace, true));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RecordedRequest taken() throws InterruptedException {
        RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        return r;
    }

    @Test
    void settings_sends_each_path_as_a_query_parameter_with_the_bearer_token() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("[{\"path\":\"public_html/a b\",\"version\":\"8.2\",\"source\":\"default\",\"managed\":false,"
                        + "\"endOfLife\":false,\"problems\":[],\"futureField\":1}]").build());

        List<PhpSetting> settings = api.phpSettings(List.of("public_html/a b", "x&y=z"), true);

        RecordedRequest r = taken();
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/php/settings");
        assertThat(r.getUrl().queryParameterValues("path")).containsExactly("public_html/a b", "x&y=z");
        assertThat(r.getUrl().queryParameter("recursive")).isEqualTo("true");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.getHeaders().get("User-Agent")).isEqualTo("hostctl/test");
        assertThat(settings).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("public_html/a b");
            assertThat(s.source()).isEqualTo(PhpSetting.DEFAULT);
        });
    }

    @Test
    void set_puts_the_request_as_json() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"path\":\"p\",\"changed\":true,\"dryRun\":true,\"warnings\":[\"w\"]}").build());

        PhpChange c = api.phpSet("p", new PhpSetRequest("7.4", true, true));

        RecordedRequest r = taken();
        assertThat(r.getMethod()).isEqualTo("PUT");
        assertThat(r.getUrl().queryParameter("path")).isEqualTo("p");
        assertThat(r.getBody().utf8())
                .isEqualTo("{\"version\":\"7.4\",\"allowEol\":true,\"dryRun\":true,\"skipCheck\":false}");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(c.changed()).isTrue();
        assertThat(c.warnings()).containsExactly("w");
    }

    @Test
    void a_problem_response_becomes_an_api_exception_with_its_detail_and_code() {
        server.enqueue(new MockResponse.Builder().code(422).addHeader("Content-Type", "application/problem+json")
                .body("{\"type\":\"urn:hostctl:problem:end-of-life\",\"title\":\"Refused by policy\",\"status\":422,"
                        + "\"detail\":\"PHP 5.6 reached end of life on 2018-12-31\"}").build());

        assertThatThrownBy(() -> api.phpSet("p", new PhpSetRequest("5.6", false, false)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.code()).isEqualTo("end-of-life");
                    assertThat(e.getMessage()).isEqualTo("PHP 5.6 reached end of life on 2018-12-31");
                });
    }

    @Test
    void an_error_without_a_problem_body_keeps_its_status() {
        server.enqueue(new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html")
                .body("<html>bad gateway</html>").build());

        assertThatThrownBy(() -> api.me()).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("http-502");
            assertThat(e.getMessage()).isEqualTo("HTTP 502");
        });
    }

    @Test
    void a_reply_that_is_not_json_is_reported_not_thrown_raw() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("not json").build());

        assertThatThrownBy(() -> api.me()).isInstanceOf(ApiException.class)
                .hasMessageContaining("cannot read");
    }

    @Test
    void a_closed_port_is_unavailable_and_names_the_address() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        HttpHostApi closed = new HttpHostApi("http://127.0.0.1:" + port, TOKEN, "hostctl/test", null);

        assertThatThrownBy(closed::me).isInstanceOf(UnavailableException.class)
                .hasMessage("cannot reach http://127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void the_verbose_trace_shows_requests_but_never_the_token() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"account\":\"alice\",\"tokenId\":\"tok_1\",\"readOnly\":false,\"webspace\":\"/w\","
                        + "\"docroots\":[]}").build());

        api.me();

        String t = trace.toString();
        assertThat(t).contains("> GET " + server.url("/v1/me")).contains("Authorization: Bearer <redacted>")
                .contains("< 200");
        assertThat(t).doesNotContain(TOKEN).doesNotContain("secret-token");
    }

    @Test
    void raw_calls_stay_on_the_api_host() {
        assertThatThrownBy(() -> api.call("GET", "//evil.example/v1/me", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Sieve {
        private static final String ADDRESS = "alice@example.com";

        private void reply(int code, String body) {
            server.enqueue(new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
                    .body(body).build());
        }

        private void noContent() {
            server.enqueue(new MockResponse.Builder().code(204).build());
        }

        @Test
        void list_gets_the_scripts_of_a_mailbox() throws Exception {
            reply(200, "[{\"name\":\"filters\",\"active\":true},{\"name\":\"old\",\"active\":false}]");

            List<SieveScript> scripts = api.sieveScripts(ADDRESS);

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve");
            assertThat(scripts).extracting(SieveScript::name).containsExactly("filters", "old");
            assertThat(scripts.get(0).active()).isTrue();
        }

        @Test
        void get_encodes_the_script_name_as_one_path_segment() throws Exception {
            reply(200, "{\"name\":\"a b/c?\",\"active\":false,\"content\":\"keep;\\n\"}");

            SieveScript s = api.sieveScript(ADDRESS, "a b/c?");

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/a%20b%2Fc%3F");
            assertThat(r.getUrl().pathSegments()).containsExactly("v1", "mailboxes", ADDRESS, "sieve", "a b/c?");
            assertThat(s.content()).isEqualTo("keep;\n");
        }

        @Test
        void put_sends_the_content_and_activate_and_returns_the_warnings() throws Exception {
            reply(200, "{\"name\":\"filters\",\"active\":true,\"warnings\":[\"line 2: warning: unused\"]}");

            SieveScript s = api.putSieveScript(ADDRESS, "filters", new SievePut("keep;\n", true));

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("PUT");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/filters");
            assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
            assertThat(r.getBody().utf8()).isEqualTo("{\"content\":\"keep;\\n\",\"activate\":true}");
            assertThat(s.warnings()).containsExactly("line 2: warning: unused");
        }

        @Test
        void a_script_that_does_not_compile_is_a_422_carrying_the_line_numbered_errors() {
            server.enqueue(new MockResponse.Builder().code(422).addHeader("Content-Type", "application/problem+json")
                    .body("{\"type\":\"urn:hostctl:problem:invalid\",\"title\":\"Invalid input\",\"status\":422,"
                            + "\"detail\":\"the script does not compile\",\"errors\":["
                            + "{\"detail\":\"line 4: error: unknown command 'fileinot'.\",\"pointer\":\"/content\"},"
                            + "{\"detail\":\"line 6: error: missing semicolon.\",\"pointer\":\"/content\"}]}")
                    .build());

            assertThatThrownBy(() -> api.putSieveScript(ADDRESS, "filters", new SievePut("x", false)))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).isEqualTo("invalid");
                        assertThat(e.getMessage()).isEqualTo("the script does not compile");
                        assertThat(e.errors()).extracting(Problem.FieldError::detail).containsExactly(
                                "line 4: error: unknown command 'fileinot'.", "line 6: error: missing semicolon.");
                        assertThat(e.errors()).extracting(Problem.FieldError::pointer)
                                .containsOnly("/content");
                    });
        }

        @Test
        void delete_sends_deactivate_only_when_asked() throws Exception {
            noContent();
            noContent();

            api.deleteSieveScript(ADDRESS, "old", false);
            api.deleteSieveScript(ADDRESS, "filters", true);

            RecordedRequest plain = taken();
            assertThat(plain.getMethod()).isEqualTo("DELETE");
            assertThat(plain.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/old");
            assertThat(plain.getUrl().query()).isNull();
            RecordedRequest active = taken();
            assertThat(active.getMethod()).isEqualTo("DELETE");
            assertThat(active.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/filters");
            assertThat(active.getUrl().queryParameter("deactivate")).isEqualTo("true");
        }

        @Test
        void deleting_the_active_script_without_deactivate_is_a_conflict() {
            server.enqueue(new MockResponse.Builder().code(409).addHeader("Content-Type", "application/problem+json")
                    .body("{\"type\":\"urn:hostctl:problem:sieve-active\",\"title\":\"Conflict\",\"status\":409,"
                            + "\"detail\":\"filters is the active script\"}").build());

            assertThatThrownBy(() -> api.deleteSieveScript(ADDRESS, "filters", false))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.code()).isEqualTo("sieve-active");
                        assertThat(e.errors()).isEmpty();
                    });
        }

        @Test
        void activate_posts_to_the_script() throws Exception {
            reply(200, "{\"name\":\"filters\",\"active\":true}");

            SieveScript s = api.activateSieveScript(ADDRESS, "filters");

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/filters/activate");
            assertThat(r.getBody().size()).isZero();
            assertThat(s.active()).isTrue();
        }

        @Test
        void rename_posts_the_new_name() throws Exception {
            reply(200, "{\"name\":\"new\",\"active\":false}");

            SieveScript s = api.renameSieveScript(ADDRESS, "old", "new");

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve/old/rename");
            assertThat(r.getBody().utf8()).isEqualTo("{\"newName\":\"new\"}");
            assertThat(s.name()).isEqualTo("new");
        }

        @Test
        void deactivate_posts_to_sieve_deactivate() throws Exception {
            noContent();

            api.deactivateSieve(ADDRESS);

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve-deactivate");
        }

        @Test
        void check_posts_the_content() throws Exception {
            reply(200, "{\"ok\":true,\"warnings\":[]}");

            SieveCheckResult c = api.checkSieve(ADDRESS, "keep;");

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve-check");
            assertThat(r.getBody().utf8()).isEqualTo("{\"content\":\"keep;\"}");
            assertThat(c.ok()).isTrue();
            assertThat(c.warnings()).isEmpty();
        }

        @Test
        void test_posts_the_request_leaving_out_what_is_not_given() throws Exception {
            reply(200, "{\"actions\":[\"store message in folder: Archive\"],\"implicitKeep\":false,"
                    + "\"warnings\":[\"line 2: warning: fileinto folder 'Archive' does not exist\"]}");

            SieveTestResult t = api.testSieve(ADDRESS, new SieveTestRequest(null, "filters",
                    "From: a@example.net\r\n\r\nhi\r\n", null));

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/mailboxes/alice@example.com/sieve-test");
            assertThat(r.getBody().utf8()).isEqualTo(
                    "{\"scriptName\":\"filters\",\"message\":\"From: a@example.net\\r\\n\\r\\nhi\\r\\n\"}");
            assertThat(t.actions()).containsExactly("store message in folder: Archive");
            assertThat(t.implicitKeep()).isFalse();
            assertThat(t.warnings()).containsExactly("line 2: warning: fileinto folder 'Archive' does not exist");
        }

        @Test
        void a_backend_that_is_down_is_a_503_naming_it() {
            server.enqueue(new MockResponse.Builder().code(503).addHeader("Content-Type", "application/problem+json")
                    .addHeader("Retry-After", "30")
                    .body("{\"type\":\"urn:hostctl:problem:backend-unavailable\",\"title\":\"Service unavailable\","
                            + "\"status\":503,\"detail\":\"mail backend dovecot: connection refused\"}").build());

            assertThatThrownBy(() -> api.sieveScripts(ADDRESS)).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.code()).isEqualTo("backend-unavailable");
                assertThat(e.getMessage()).isEqualTo("mail backend dovecot: connection refused");
            });
        }

        @Test
        void dot_names_are_refused_before_they_can_address_another_resource() {
            for (String name : List.of("", ".", "..")) {
                assertThatThrownBy(() -> api.sieveScript(ADDRESS, name)).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(server.getRequestCount()).isZero();
        }
    }

    @Nested
    class The_response_limit {
        static final long LIMIT = 1L << 20;

        /** A JSON array body of {@code size} bytes made while it is sent; counts what the server got written. */
        final class Streamed implements mockwebserver3.MockResponseBody {
            final long size;
            final boolean announced;
            final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

            Streamed(long size, boolean announced) {
                this.size = size;
                this.announced = announced;
            }

            @Override
            public long getContentLength() {
                return announced ? size : -1;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                sink.writeUtf8("[");
                written.addAndGet(1);
                long left = size - 2;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    sink.write(chunk, 0, n);
                    sink.flush();
                    written.addAndGet(n);
                    left -= n;
                }
                sink.writeUtf8("]");
                sink.flush();
                written.addAndGet(1);
            }
        }

        HttpHostApi limited() {
            return new HttpHostApi(server.url("/").toString(), TOKEN, "hostctl/test", null, LIMIT);
        }

        @Test
        void a_streamed_body_larger_than_the_limit_fails_after_reading_about_the_limit() {
            Streamed body = new Streamed(1L << 30, false);
            server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .body(body).build());

            assertThatThrownBy(() -> limited().domains()).isInstanceOfSatisfying(ResponseTooLargeException.class,
                    e -> assertThat(e.getMessage()).isEqualTo("the answer to GET /v1/domains is larger than 1 MiB, the"
                            + " most hostctl reads (set HOSTCTL_MAX_RESPONSE to change it)"));
            // the client stopped reading: the server could write little more than the limit and the socket buffers
            assertThat(body.written.get()).as("bytes the server wrote").isLessThan(32L << 20);
            assertThat(org.hostctl.cli.CliExceptionHandler.report(new ResponseTooLargeException("x"),
                    new PrintWriter(new StringWriter()), false, "")).isEqualTo(6);
        }

        @Test
        void an_announced_length_above_the_limit_fails_before_reading() {
            Streamed body = new Streamed(1L << 30, true);
            server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .body(body).build());

            assertThatThrownBy(() -> limited().call("GET", "/v1/x", null))
                    .isInstanceOf(ResponseTooLargeException.class).hasMessageContaining("larger than 1 MiB");
            assertThat(body.written.get()).isLessThan(32L << 20);
        }

        @Test
        void an_error_body_is_limited_too() {
            server.enqueue(new MockResponse.Builder().code(500).addHeader("Content-Type", "application/problem+json")
                    .body(new Streamed(1L << 30, false)).build());

            assertThatThrownBy(() -> limited().removeAlias("a@example.com", List.of()))
                    .isInstanceOf(ResponseTooLargeException.class);
        }

        @Test
        void the_limit_counts_each_response_on_its_own_so_polling_is_never_cut_off() {
            for (int i = 0; i < 3; i++) {
                server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .body(new Streamed(LIMIT - 10, true)).build());
            }
            HttpHostApi api = limited();

            for (int i = 0; i < 3; i++) {
                assertThat(api.domains()).isEmpty();
            }
        }

        @Test
        void hostctl_max_response_takes_bytes_or_k_m_g() {
            assertThat(HttpHostApi.maxResponseBytes(null)).isEqualTo(64L << 20);
            assertThat(HttpHostApi.maxResponseBytes("1000")).isEqualTo(1000);
            assertThat(HttpHostApi.maxResponseBytes("256M")).isEqualTo(256L << 20);
            assertThat(HttpHostApi.maxResponseBytes("2GiB")).isEqualTo(2L << 30);
            assertThat(HttpHostApi.maxResponseBytes("16k")).isEqualTo(16L << 10);
            assertThatThrownBy(() -> HttpHostApi.maxResponseBytes("lots")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("HOSTCTL_MAX_RESPONSE must be a size such as 64M or 1G, not 'lots'");
            assertThatThrownBy(() -> HttpHostApi.maxResponseBytes("0")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
