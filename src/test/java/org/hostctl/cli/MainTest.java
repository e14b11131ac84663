package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @Test
    void commands_that_talk_to_the_api_get_the_warm_up_and_help_and_completion_do_not() {
        assertThat(Main.talksToTheApi(new String[] {"php", "show", "-o", "json"})).isTrue();
        assertThat(Main.talksToTheApi(new String[] {"--api-url", "unix:/run/hostd/api.sock", "status"})).isTrue();
        assertThat(Main.talksToTheApi(new String[] {})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"php", "show", "--help"})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"help", "php"})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"completion", "bash"})).isFalse();
    }

    @Test
    void the_warm_up_reads_the_CA_certificates_only_for_an_https_url_trusted_the_jdks_way(@TempDir Path home)
            throws IOException {
        Map<String, String> none = Map.of("XDG_CONFIG_HOME", home.toString());
        String[] show = {"php", "show"};
        assertThat(Main.likelyHttps(show, none)).isFalse();
        assertThat(Main.likelyHttps(new String[] {"--api-url", "https://api.example.net", "php", "show"}, none))
                .isTrue();
        assertThat(Main.likelyHttps(new String[] {"--api-url=https://api.example.net", "php", "show"}, none))
                .isTrue();
        assertThat(Main.likelyHttps(new String[] {"--api-url", "unix:/run/hostd/api.sock", "php", "show"},
                Map.of("HOSTCTL_API_URL", "https://api.example.net"))).as("the flag wins").isFalse();
        assertThat(Main.likelyHttps(show, Map.of("HOSTCTL_API_URL", "https://api.example.net"))).isTrue();
        assertThat(Main.likelyHttps(show, Map.of("HOSTCTL_API_URL", "http://127.0.0.1:8640"))).isFalse();
        assertThat(Main.likelyHttps(show, Map.of("HOSTCTL_API_URL", "https://api.example.net",
                "HOSTCTL_CA_FILE", "/etc/ssl/private-ca.pem"))).as("its own trust, made by the command").isFalse();

        Files.createDirectories(home.resolve("hostctl"));
        Files.writeString(home.resolve("hostctl/config.json"),
                "{\"current\":\"default\",\"profiles\":{\"default\":{\"apiUrl\":\"https://api.example.net\"}}}");
        assertThat(Main.likelyHttps(show, none)).as("a profile's URL").isTrue();
        assertThat(Main.likelyHttps(show, Map.of("XDG_CONFIG_HOME", home.toString(),
                "HOSTCTL_API_URL", "unix:/run/hostd/api.sock"))).as("the environment wins").isFalse();
    }
}
