package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.support.DownSieveBackend;
import org.hostctl.support.Fixtures;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SieveBackendsTest {
    static final String TWO_SERVERS = Fixtures.CONFIG + """
            sieve:
              defaultBackend: mx1
              backends:
                - {name: mx1, host: mx1.example.net, caFile: ca.pem, masterUser: hostd-master,
                   masterPasswordFile: master.pw, domains: [example.com]}
                - {name: mx2, host: mx2.example.net, port: 14190, tls: none, timeoutSeconds: 3,
                   domains: [Example.ORG.]}
            """;

    @Test
    void each_domain_gets_the_backend_listing_it_and_others_the_default() throws Exception {
        List<HostdConfig.SieveBackendConfig> built = new ArrayList<>();
        SieveBackend embedded = new DownSieveBackend("embedded");
        HostdConfig.Sieve config = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(TWO_SERVERS, HostdConfig.class)
                .sieve();

        SieveBackends backends = new SieveBackends(config, SieveBackendFactory.of(embedded, c -> {
            built.add(c);
            return new DownSieveBackend(c.name());
        }));

        assertThat(backends.forDomain("example.com").name()).isEqualTo("mx1");
        assertThat(backends.forDomain("example.org").name()).isEqualTo("mx2");
        assertThat(backends.forDomain("other.example").name()).as("the default").isEqualTo("mx1");
        assertThat(built.get(0).port()).isEqualTo(4190);
        assertThat(built.get(0).tls()).isEqualTo("starttls");
        assertThat(built.get(1).timeoutSeconds()).isEqualTo(3);
    }

    @Test
    void hostd_hands_absolute_file_paths_to_the_managesieve_factory(@TempDir Path tmp) throws Exception {
        List<HostdConfig.SieveBackendConfig> built = new ArrayList<>();
        try (TestHostd hostd = TestHostd.startWithManageSieve(tmp.resolve("data"), TWO_SERVERS, Fixtures.CLOCK, c -> {
            built.add(c);
            return new DownSieveBackend(c.name());
        })) {
            assertThat(built).extracting(HostdConfig.SieveBackendConfig::name).containsExactly("mx1", "mx2");
            assertThat(built.get(0).caFile()).isEqualTo(tmp.resolve("data/ca.pem").toAbsolutePath().toString());
            assertThat(built.get(0).masterPasswordFile()).isEqualTo(tmp.resolve("data/master.pw").toAbsolutePath()
                    .toString());
        }
    }

    @Test
    void a_configured_managesieve_backend_stops_hostd_until_a_client_is_plugged_in(@TempDir Path tmp)
            throws Exception {
        java.nio.file.Files.createDirectories(tmp);
        java.nio.file.Files.writeString(tmp.resolve("hostd.yaml"), TWO_SERVERS);

        assertThatThrownBy(() -> Hostd.open(tmp, Fixtures.CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sieve.backends[mx1]");
    }

    @Test
    void inconsistent_settings_name_the_setting(@TempDir Path tmp) throws Exception {
        for (String[] c : new String[][] {
                {"sieve: {defaultBackend: nowhere}", "sieve.defaultBackend"},
                {"sieve: {backends: [{name: a, host: h, domains: [x.example]}, {name: b, host: h, domains: [X.example]}]}",
                        "listed by two backends"},
                {"sieve: {backends: [{name: a, host: h, tls: ssl}]}", "sieve.backends[a].tls"},
                {"sieve: {backends: [{name: embedded, host: h}]}", "used twice"},
                {"sieve: {policy: {maxScriptBytes: 0}}", "sieve.policy"}}) {
            Path data = java.nio.file.Files.createTempDirectory(tmp, "d");
            java.nio.file.Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG + c[0] + "\n");
            assertThatThrownBy(() -> Hostd.open(data, Fixtures.CLOCK, Hostd.Plugins.defaults().withManageSieve(x -> new DownSieveBackend(x.name()))).close())
                    .as(c[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c[1]);
        }
    }
}
