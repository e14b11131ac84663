package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.server.auth.TokenExpiry;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.MutableClock;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostctl auth status} against a real hostd, hostd and hostctl sharing one clock the test moves. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TokenExpiryAgainstHostdTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(T0);
    TestHostd hostd;

    @BeforeEach
    void start() throws IOException {
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, clock);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("web/alice/public_html")).getParent(),
                List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
    }

    @AfterEach
    void stop() {
        hostd.close();
    }

    private Hostctl hostctl(String token) {
        return new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url()).env("HOSTCTL_TOKEN", token)
                .time(clock, d -> clock.advance(d));
    }

    private String token(String expiry) {
        return hostd.hostd().tokens().issue("alice", false, "test", TokenExpiry.parse(expiry, true)).secret();
    }

    @Test
    void status_shows_the_expiry_and_warns_on_stderr_only_in_the_last_seven_days() throws IOException {
        Hostctl h = hostctl(token("30d"));

        HostctlRun early = h.run("auth", "status", "-o", "json");
        assertThat(early.exitCode()).as(early.toString()).isZero();
        JsonNode s = Json.mapper().readTree(early.out());
        assertThat(s.path("tokenExpiresAt").asText()).isEqualTo("2026-12-28T12:00:00Z");
        assertThat(early.err()).isEmpty();
        HostctlRun table = h.run("auth", "status");
        assertThat(table.out()).contains("EXPIRES").contains("2026-12-28T12:00:00Z");
        assertThat(table.err()).isEmpty();

        clock.advance(Duration.ofDays(23).plusSeconds(1));
        HostctlRun late = h.run("auth", "status", "-o", "json");

        assertThat(late.exitCode()).as(late.toString()).isZero();
        assertThat(Json.mapper().readTree(late.out())).isEqualTo(s);
        assertThat(late.err().lines()).singleElement().asString()
                .startsWith("warning: token tok_").contains("expires 2026-12-28T12:00:00Z, in 6 d 23 h")
                .contains("ask your provider for a new one");
    }

    @Test
    void an_expired_token_makes_status_exit_4_with_the_line_of_any_invalid_token() {
        Hostctl h = hostctl(token("12h"));
        assertThat(h.run("auth", "status").exitCode()).isZero();

        clock.advance(Duration.ofHours(12));
        HostctlRun expired = h.run("auth", "status");
        HostctlRun unknown = hostctl("hct_" + "A".repeat(43)).run("auth", "status");

        assertThat(expired.exitCode()).as(expired.toString()).isEqualTo(4);
        assertThat(expired.out()).isEmpty();
        assertThat(expired.err()).isEqualTo(unknown.err()).startsWith("hostctl: the token is not valid (expired");
    }

    @Test
    void a_token_that_never_expires_shows_never_and_no_warning() throws IOException {
        Hostctl h = hostctl(token("never"));

        HostctlRun table = h.run("auth", "status", "--no-headers");
        HostctlRun json = h.run("auth", "status", "-o", "json");

        assertThat(table.out()).contains("read-write  never");
        assertThat(table.err()).isEmpty();
        assertThat(Json.mapper().readTree(json.out()).has("tokenExpiresAt")).isFalse();
    }
}
