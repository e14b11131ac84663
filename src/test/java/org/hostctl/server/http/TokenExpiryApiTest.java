package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.server.Hostd;
import org.hostctl.server.auth.TokenExpiry;
import org.hostctl.server.service.TokenService;
import org.hostctl.server.store.TokenRow;
import org.hostctl.support.Fixtures;
import org.hostctl.support.MutableClock;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens that expire, over the API of a real hostd whose clock the test moves. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TokenExpiryApiTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final String UNKNOWN = "hct_" + "A".repeat(43);

    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(T0);
    TestHostd hostd;
    RawApi api;

    private void start(String yaml) throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG + yaml, clock);
        api = new RawApi(hostd.url());
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("web/alice/public_html")).getParent(),
                List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
    }

    @AfterEach
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    private TokenService tokens() {
        return hostd.hostd().tokens();
    }

    private TokenRow row(String id) {
        return tokens().list("alice").stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    /** Status, headers that matter and body of a 401, which must not tell an expired token from any other. */
    private static String refusal(Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        return r.status() + " " + r.header("WWW-Authenticate").orElse("-") + " " + r.contentType() + " " + r.text();
    }

    @Test
    void a_token_works_until_its_expiry_and_is_then_refused_exactly_like_an_unknown_or_revoked_one()
            throws IOException {
        start("");
        TokenService.Issued t = tokens().issue("alice", false, "ci", TokenExpiry.parse("1h", true));
        TokenService.Issued gone = tokens().issue("alice", false, "gone", TokenExpiry.NEVER);
        tokens().revoke(gone.row().id());
        assertThat(t.row().expiresAt()).isEqualTo(Instant.parse("2026-11-28T13:00:00Z"));

        Reply me = api.get("/v1/me", t.secret());
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("tokenExpiresAt").asText()).isEqualTo("2026-11-28T13:00:00Z");

        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        assertThat(api.get("/v1/me", t.secret()).status()).isEqualTo(200);
        Instant lastUsed = row(t.row().id()).lastUsedAt();
        assertThat(lastUsed).isEqualTo(Instant.parse("2026-11-28T12:59:59Z"));

        clock.advance(Duration.ofSeconds(1));
        for (String path : List.of("/v1/me", "/v1/php/versions", "/v1/mailboxes")) {
            String expired = refusal(api.get(path, t.secret()));
            assertThat(expired).as(path).isEqualTo(refusal(api.get(path, UNKNOWN)))
                    .isEqualTo(refusal(api.get(path, gone.secret())))
                    .contains("the token is not valid (expired, revoked, mistyped or for another server)");
        }
        assertThat(refusal(api.put("/v1/php/settings?path=public_html", t.secret(), "{\"version\":\"8.3\"}")))
                .isEqualTo(refusal(api.put("/v1/php/settings?path=public_html", UNKNOWN, "{\"version\":\"8.3\"}")));
        clock.advance(Duration.ofMinutes(5));
        assertThat(api.get("/v1/me", t.secret()).status()).isEqualTo(401);
        assertThat(row(t.row().id()).lastUsedAt()).as("an expired token's use is not recorded").isEqualTo(lastUsed);
        assertThat(row(t.row().id()).expired(clock.instant())).isTrue();
    }

    @Test
    void a_token_issued_without_an_expiry_takes_auth_token_expiry_of_hostd_yaml() throws IOException {
        start("auth: {tokenExpiry: 2h}\n");
        String secret = hostd.token("alice", false);
        Reply me = api.get("/v1/me", secret);
        assertThat(me.json().path("tokenExpiresAt").asText()).isEqualTo("2026-11-28T14:00:00Z");

        clock.advance(Duration.ofHours(2));

        assertThat(api.get("/v1/me", secret).status()).isEqualTo(401);
    }

    @Test
    void the_default_expiry_is_a_year_and_never_means_never() throws IOException {
        start("");
        String yearly = hostd.token("alice", true);
        String forever = tokens().issue("alice", true, "forever", TokenExpiry.NEVER).secret();
        Reply me = api.get("/v1/me", forever);
        assertThat(me.json().has("tokenExpiresAt")).as(me.toString()).isFalse();
        assertThat(api.get("/v1/me", yearly).json().path("tokenExpiresAt").asText())
                .isEqualTo("2027-11-28T12:00:00Z");

        clock.advance(Duration.ofDays(365));

        assertThat(api.get("/v1/me", yearly).status()).isEqualTo(401);
        clock.advance(Duration.ofDays(36_500));
        JsonNode still = api.get("/v1/me", forever).json();
        assertThat(still.path("account").asText()).isEqualTo("alice");
    }

    @Test
    void an_expiry_not_in_the_future_is_refused_and_nothing_is_issued() throws IOException {
        start("");
        assertThatThrownBy(() -> tokens().issue("alice", false, null, TokenExpiry.parse("2026-11-28", true)))
                .hasMessageContaining("not in the future");
        assertThat(tokens().list("alice")).isEmpty();
    }

    @Test
    void a_malformed_auth_token_expiry_stops_hostd_naming_the_setting() throws IOException {
        Path data = TestHostd.dataDir(tmp.resolve("bad"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG + "auth: {tokenExpiry: 2027-01-01}\n");

        assertThatThrownBy(() -> Hostd.open(data, clock)).hasMessageContaining("auth.tokenExpiry")
                .hasMessageContaining("90d");
    }
}
