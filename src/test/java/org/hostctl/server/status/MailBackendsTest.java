package org.hostctl.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.hostctl.server.config.HostdConfig;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailBackendsTest {
    private static MailBackends of(String yaml) throws Exception {
        return new MailBackends(new ObjectMapper(new YAMLFactory()).readValue(yaml, HostdConfig.class));
    }

    @Test
    void a_sieve_backend_named_like_a_mail_backend_is_its_managesieve_and_takes_its_domains() throws Exception {
        MailBackends b = of("""
                mail:
                  backends:
                    - {name: mx-a, host: 10.0.0.1, domains: [A.Example., bücher.example]}
                    - {name: mx-b, host: 10.0.0.2, imapPort: 993, lmtpPort: 0, domains: [b.example]}
                sieve:
                  backends:
                    - {name: mx-a, host: 10.0.0.9, port: 4190}
                    - {name: sv-only, host: 10.0.0.3, domains: [c.example]}
                """);
        MailBackends.Backend a = b.forDomain("a.example").orElseThrow();
        assertThat(a).isEqualTo(new MailBackends.Backend("mx-a", "10.0.0.1", 143, 24, "10.0.0.9", 4190,
                java.util.List.of("a.example", "xn--bcher-kva.example")));
        assertThat(b.forDomain("xn--bcher-kva.example")).contains(a);
        assertThat(b.forDomain("b.example").orElseThrow().lmtpPort()).isZero();
        assertThat(b.forDomain("b.example").orElseThrow().sieveHost()).isNull();
        assertThat(b.forDomain("c.example").orElseThrow()).extracting(MailBackends.Backend::imapPort,
                MailBackends.Backend::sievePort).containsExactly(0, 4190);
        assertThat(b.forDomain("d.example")).isEmpty();
        assertThat(b.sieveConfig().backends().get(0).domains()).containsExactly("A.Example.", "bücher.example");
        assertThat(b.all()).extracting(MailBackends.Backend::name).containsExactly("mx-a", "mx-b", "sv-only");
    }

    @Test
    void a_domain_moved_in_the_store_is_served_by_the_backend_it_was_moved_to() throws Exception {
        MailBackends b = of("""
                mail:
                  backends:
                    - {name: mx-a, host: 10.0.0.1, domains: [a.example, b.example]}
                    - {name: cy-b, kind: cyrus, host: 127.0.0.1, transport: "lmtp:unix:/run/cyrus/lmtp"}
                """).withMoves(d -> d.equals("b.example") ? java.util.Optional.of("cy-b") : java.util.Optional.empty());
        assertThat(b.forDomain("a.example").orElseThrow().name()).isEqualTo("mx-a");
        assertThat(b.forDomain("b.example").orElseThrow().name()).isEqualTo("cy-b");
        assertThat(b.listing("b.example").orElseThrow().name()).isEqualTo("mx-a");
        assertThatThrownBy(() -> of("mail: {backends: [{name: x, host: h, transport: \"lmtp:inet:h:24\\nbad\"}]}"))
                .hasMessageContaining("mail.backends[x].transport must be a Postfix transport");
    }

    @Test
    void inconsistent_settings_are_refused_naming_the_setting() {
        String[][] cases = {
            {"mail: {backends: [{name: mx-a, host: h, domains: [a.example]}]}\n"
                    + "sieve: {backends: [{name: mx-a, host: h, domains: [b.example]}]}", "differ"},
            {"mail: {backends: [{name: mx-a, host: h, domains: [a.example]}, {name: mx-b, host: h, domains: [A.EXAMPLE]}]}",
                "a.example is listed by two backends, mx-a and mx-b"},
            {"mail: {backends: [{name: mx-a, host: h}, {name: mx-a, host: h}]}", "used twice"},
            {"mail: {backends: [{name: embedded, host: h}]}", "name"},
            {"mail: {backends: [{name: 'a b', host: h}]}", "name"},
            {"mail: {backends: [{name: mx-a}]}", "mail.backends[mx-a].host"},
            {"mail: {backends: [{name: mx-a, host: h, imapPort: 70000}]}", "imapPort"},
            {"mail: {backends: [{name: mx-a, host: h, domains: ['bad domain']}]}", "mail.backends[mx-a].domains"},
            {"mail: {backends: [{name: mx-a, host: h, kind: exchange}]}", "mail.backends[mx-a].kind must be dovecot or cyrus"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> of(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c[1]);
        }
    }
}
