package org.hostctl.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.mail.CyrusAdmin;
import org.hostctl.server.mail.MailUsage;
import org.hostctl.server.store.MailRouteRepository;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailStoresTest {
    @TempDir
    Path data;

    private MailStores of(String yaml) throws Exception {
        HostdConfig c = new ObjectMapper(new YAMLFactory()).readValue(yaml, HostdConfig.class);
        return MailStores.of(c.mail().backends(), data, new MailUsage(data.resolve("vmail")), Duration.ofSeconds(1));
    }

    @Test
    void a_cyrus_backend_serves_its_domains_and_the_rest_stay_on_maildirs() throws Exception {
        Files.writeString(data.resolve("cy.pw"), "secret\n");
        MailStores stores = of("""
                mail:
                  backends:
                    - {name: mx-a, host: 10.0.0.1, domains: [a.example]}
                    - {name: cy-b, kind: cyrus, host: 127.0.0.1, adminPasswordFile: cy.pw, domains: [B.Example]}
                """);
        assertThat(stores.forDomain("b.example")).isInstanceOf(MailStores.CyrusStore.class)
                .extracting(s -> ((MailStores.CyrusStore) s).backend()).isEqualTo("cy-b");
        assertThat(stores.forDomain("a.example")).isNotInstanceOf(MailStores.CyrusStore.class);
        assertThat(stores.forDomain("c.example")).isSameAs(stores.forDomain("a.example"));
    }

    @Test
    void the_proxy_routes_list_every_domain_with_its_backend() throws Exception {
        HostdConfig c = new ObjectMapper(new YAMLFactory()).readValue("""
                mail:
                  backends:
                    - {name: mx-a, host: 10.0.0.1, imapPort: 0, domains: [A.example, a2.example]}
                    - {name: cy-b, kind: cyrus, host: 127.0.0.1, imapPort: 1143, pop3Port: 1110, domains: [b.example]}
                """, HostdConfig.class);
        assertThat(MailStores.routes(c.mail().backends())).containsExactly(
                new MailRouteRepository.Route("a.example", "mx-a", "dovecot", "10.0.0.1", 143, 110,
                        "lmtp:inet:10.0.0.1:24"),
                new MailRouteRepository.Route("a2.example", "mx-a", "dovecot", "10.0.0.1", 143, 110,
                        "lmtp:inet:10.0.0.1:24"),
                new MailRouteRepository.Route("b.example", "cy-b", "cyrus", "127.0.0.1", 1143, 1110,
                        "lmtp:inet:127.0.0.1:24"));
    }

    @Test
    void a_moved_domain_is_routed_to_the_backend_it_was_moved_to_and_a_vanished_one_is_an_error() throws Exception {
        HostdConfig c = new ObjectMapper(new YAMLFactory()).readValue("""
                mail:
                  backends:
                    - {name: mx-a, host: 10.0.0.1, domains: [a.example, b.example]}
                    - {name: cy-b, kind: cyrus, host: 127.0.0.1, imapPort: 1143, lmtpPort: 0,
                       transport: "lmtp:unix:/var/lib/cyrus-hostd/run/lmtp", domains: [c.example]}
                """, HostdConfig.class);
        assertThat(MailStores.routes(c.mail().backends(), java.util.Map.of("b.example", "cy-b", "d.example", "mx-a")))
                .extracting(r -> r.domain() + " " + r.backend() + " " + r.transport())
                .containsExactlyInAnyOrder("a.example mx-a lmtp:inet:10.0.0.1:24",
                        "b.example cy-b lmtp:unix:/var/lib/cyrus-hostd/run/lmtp",
                        "c.example cy-b lmtp:unix:/var/lib/cyrus-hostd/run/lmtp", "d.example mx-a lmtp:inet:10.0.0.1:24");
        assertThatThrownBy(() -> MailStores.routes(c.mail().backends(), java.util.Map.of("b.example", "gone")))
                .hasMessageContaining("domain b.example was moved to mail backend gone");
    }

    @Test
    void a_cyrus_backend_needs_a_password_file_and_this_host() throws Exception {
        Files.writeString(data.resolve("empty.pw"), "\n");
        String[][] cases = {
            {"{name: cy, kind: cyrus, host: 127.0.0.1}", "mail.backends[cy].adminPasswordFile is required"},
            {"{name: cy, kind: cyrus, host: 127.0.0.1, adminPasswordFile: missing.pw}", "cannot read adminPasswordFile"},
            {"{name: cy, kind: cyrus, host: 127.0.0.1, adminPasswordFile: empty.pw}", "is empty"},
            {"{name: cy, kind: cyrus, host: mx.example.net, adminPasswordFile: empty.pw}", "only on this host"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> of("mail: {backends: [" + c[0] + "]}")).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void quotas_become_cyrus_storage_limits_in_kib() {
        assertThat(CyrusAdmin.storageKib(1)).isEqualTo(1);
        assertThat(CyrusAdmin.storageKib(2048)).isEqualTo(2);
        assertThat(CyrusAdmin.storageKib(2049)).isEqualTo(3);
        assertThat(CyrusAdmin.storageKib(0)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> CyrusAdmin.storageKib(3L << 40)).hasMessageContaining("at most");
        assertThat(CyrusAdmin.mailboxName("carol.c@b.example")).isEqualTo("user/carol.c@b.example");
        assertThatThrownBy(() -> CyrusAdmin.mailboxName("x\"@b.example")).isInstanceOf(IllegalArgumentException.class);
    }
}
