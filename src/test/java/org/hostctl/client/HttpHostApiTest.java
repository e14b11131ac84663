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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
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
        assertThat(r.getBody().utf8()).isEqualTo("{\"version\":\"7.4\",\"allowEol\":true,\"dryRun\":true}");
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
}
