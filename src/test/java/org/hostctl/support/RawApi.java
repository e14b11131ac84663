package org.hostctl.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.api.Json;

/** Plain HTTP calls to a running hostd, without hostctl's client in between, for API and attack tests. */
public final class RawApi {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    public RawApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A route path with each {@code {param}} replaced by a sample value, e.g. an address. */
    public static String concrete(String routePath) {
        return routePath.replaceAll("\\{[^/]+}", "someone@example.com");
    }

    /** One query parameter, percent-encoded exactly once (UTF-8). */
    public static String query(String name, String value) {
        return "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends {@code method pathAndQuery} with an optional bearer token and JSON body (null: none). */
    public Reply send(String method, String pathAndQuery, String token, String body) {
        return send(method, pathAndQuery, token,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    public Reply send(String method, String pathAndQuery, String token, byte[] body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null && contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // Jetty closes the connection right after an early error answer (e.g. 414); the client can then
                // see the close before the answer: one more try shows what the server says
                r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            }
            return new Reply(request.method() + " " + request.uri().getRawPath()
                    + (request.uri().getRawQuery() == null ? "" : "?" + abbreviate(request.uri().getRawQuery())),
                    r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String pathAndQuery, String token) {
        return send("GET", pathAndQuery, token, null);
    }

    public Reply put(String pathAndQuery, String token, String body) {
        return send("PUT", pathAndQuery, token, body);
    }

    public Reply delete(String pathAndQuery, String token) {
        return send("DELETE", pathAndQuery, token, null);
    }

    public Reply post(String pathAndQuery, String token) {
        return send("POST", pathAndQuery, token, null);
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + " chars)" : s;
    }

    /** A response: status, headers (names lower-case) and raw body. */
    public record Reply(String request, int status, Map<String, List<String>> headers, byte[] body) {
        public Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        /** Asserts a well-formed RFC 9457 problem with this status and returns its body. */
        public JsonNode problem(int expectedStatus) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            return problem();
        }

        /** Asserts a well-formed RFC 9457 problem (any status) and returns its body. */
        public JsonNode problem() {
            assertThat(contentType()).as("content type of %s", this).startsWith("application/problem+json");
            JsonNode p = json();
            assertThat(p.path("type").asText()).as("type of %s", this).matches("urn:hostctl:problem:[a-z0-9-]+");
            assertThat(p.path("title").asText()).as("title of %s", this).isNotBlank();
            assertThat(p.path("status").isInt()).as("status field of %s", this).isTrue();
            assertThat(p.path("status").asInt()).as("status field of %s", this).isEqualTo(status);
            assertThat(p.path("detail").asText()).as("detail of %s", this).isNotBlank();
            if (status == 414 || status == 431) {
                // refused by Jetty before the request line was usable: nothing to name
                assertThat(p.has("instance")).as("instance of %s", this).isFalse();
            } else {
                assertThat(p.path("instance").asText()).as("instance of %s", this).startsWith("/");
            }
            return p;
        }

        /** The problem code after {@code urn:hostctl:problem:}. */
        public String code() {
            return problem().path("type").asText().substring("urn:hostctl:problem:".length());
        }

        @Override
        public String toString() {
            String t = text();
            return request + " -> " + status + " " + contentType() + " "
                    + (t.length() > 500 ? t.substring(0, 500) + "..." : t);
        }
    }
}
