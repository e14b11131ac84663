package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostctl over HTTPS, with a real Apache terminating TLS in front of hostd (the provider's set-up for an API
 * reached from elsewhere) and a server certificate from a test CA: trusted through {@code HOSTCTL_CA_FILE} the
 * commands work; an untrusted CA or a host name the certificate does not hold fail with exit 6 and one line saying
 * so, and the hint names HOSTCTL_CA_FILE; an unusable CA file is a usage error.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostctlOverHttpsTest {
    TestHostd hostd;
    TlsFrontFixture front;
    String token;
    Path web;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        TlsFrontFixture.assumeAvailable();
        hostd = TestHostd.start(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK);
        web = Files.createDirectories(tmp.resolve("web"));
        Files.createDirectories(web.resolve("public_html/shop"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        token = hostd.token("alice", false);
        front = TlsFrontFixture.start(tmp.resolve("tls"), hostd.url());
    }

    @AfterAll
    void stop() {
        if (front != null) {
            front.close();
        }
        if (hostd != null) {
            hostd.close();
        }
    }

    private Hostctl hostctl(Path home, String url) {
        return new Hostctl(home).pipe().env("HOSTCTL_API_URL", url).env("HOSTCTL_TOKEN", token);
    }

    @Test
    void with_the_CA_file_commands_work_over_TLS(@TempDir Path home) throws IOException {
        Hostctl h = hostctl(home, front.url()).env("HOSTCTL_CA_FILE", front.ca().toString());
        HostctlRun show = h.run("php", "show", "public_html", "-o", "json");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        JsonNode rows = Json.mapper().readTree(show.out());
        assertThat(rows.get(0).get("path").asText()).isEqualTo("public_html");
        assertThat(rows.get(0).get("source").asText()).isEqualTo("default");

        HostctlRun status = h.run("auth", "status", "-o", "json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(Json.mapper().readTree(status.out()).toString()).contains("alice").doesNotContain(token);
    }

    @Test
    void a_certificate_from_a_CA_hostctl_does_not_trust_is_one_line_and_exit_6(@TempDir Path home) {
        String expected = "hostctl: TLS with " + front.url() + " failed: the server's certificate is not signed"
                + " by a CA hostctl trusts\n";
        for (Hostctl h : List.of(hostctl(home, front.url()),
                hostctl(home, front.url()).env("HOSTCTL_CA_FILE", front.otherCa().toString()))) {
            HostctlRun r = h.run("php", "show", "public_html", "-o", "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith(expected).hasLineCount(2);
            assertThat(r.err().lines().toList().get(1)).startsWith("hint: ").contains("HOSTCTL_CA_FILE");
        }
    }

    @Test
    void a_host_name_the_certificate_does_not_hold_is_refused(@TempDir Path home) {
        String byName = "https://localhost:" + front.port();
        HostctlRun r = hostctl(home, byName).env("HOSTCTL_CA_FILE", front.ca().toString())
                .run("php", "show", "public_html");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("hostctl: TLS with " + byName + " failed: the server's certificate is not"
                + " valid for localhost\n").hasLineCount(2);
    }

    @Test
    void an_unusable_CA_file_is_a_usage_error_naming_it(@TempDir Path home) throws IOException {
        Path missing = home.resolve("missing.pem");
        HostctlRun none = hostctl(home, front.url()).env("HOSTCTL_CA_FILE", missing.toString())
                .run("php", "show", "public_html");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("hostctl: HOSTCTL_CA_FILE: no CA file " + missing + "\n");

        Path text = Files.writeString(home.resolve("notes.pem"), "not a certificate\n");
        HostctlRun garbage = hostctl(home, front.url()).env("HOSTCTL_CA_FILE", text.toString())
                .run("php", "show", "public_html");
        assertThat(garbage.exitCode()).as(garbage.toString()).isEqualTo(2);
        assertThat(garbage.err()).startsWith("hostctl: HOSTCTL_CA_FILE: the CA file " + text + " holds no")
                .hasLineCount(1);
        assertThat(garbage.out()).isEmpty();
    }
}
