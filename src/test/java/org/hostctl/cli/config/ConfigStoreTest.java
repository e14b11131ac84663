package org.hostctl.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigStoreTest {
    @TempDir
    Path tmp;

    @Test
    void the_directory_follows_xdg_config_home_else_home() {
        assertThat(ConfigStore.defaultDir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"))).isEqualTo(Path.of("/x/hostctl"));
        assertThat(ConfigStore.defaultDir(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/hostctl"));
    }

    @Test
    void a_saved_config_is_mode_0600_in_a_0700_directory_and_reads_back() throws IOException {
        ConfigStore store = new ConfigStore(tmp.resolve("hostctl"));
        store.save(Config.empty().withProfile("default", new Profile("http://a", "hct_x")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("hostctl"))))
                .isEqualTo("rwx------");
        assertThat(store.load().profiles().get("default")).isEqualTo(new Profile("http://a", "hct_x"));
        try (var files = Files.list(tmp.resolve("hostctl"))) {
            assertThat(files).containsExactly(store.file());
        }
    }

    @Test
    void settings_take_the_flag_then_the_environment_then_the_profile_then_the_default() {
        Config config = new Config("work", Map.of("work", new Profile("http://profile", "hct_profile"),
                "home", new Profile("http://home", "hct_home")));

        assertThat(Settings.resolve(null, null, Map.of(), config))
                .isEqualTo(new Settings("work", "http://profile", "profile", "hct_profile", "profile"));
        assertThat(Settings.resolve(null, null, Map.of("HOSTCTL_API_URL", "http://env/", "HOSTCTL_TOKEN", "hct_env",
                "HOSTCTL_PROFILE", "home"), config))
                .isEqualTo(new Settings("home", "http://env", "env", "hct_env", "env"));
        assertThat(Settings.resolve("home", "http://flag", Map.of("HOSTCTL_PROFILE", "work"), config))
                .isEqualTo(new Settings("home", "http://flag", "flag", "hct_home", "profile"));
        assertThat(Settings.resolve(null, null, Map.of(), Config.empty()))
                .isEqualTo(new Settings("default", Settings.DEFAULT_API_URL, "default", null, null));
    }

    @Test
    void the_local_socket_comes_after_the_profile_and_only_with_no_token_anywhere(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path tmp) throws IOException {
        java.nio.file.Path socket = tmp.resolve("api.sock");
        java.nio.file.Path missing = tmp.resolve("missing.sock");
        Files.createFile(socket);
        Config empty = Config.empty();

        assertThat(Settings.resolve(null, null, Map.of(), empty, socket))
                .isEqualTo(new Settings("default", "unix:" + socket, "socket", null, null));
        assertThat(Settings.resolve(null, null, Map.of(), empty, socket).localSocket()).isTrue();
        assertThat(Settings.resolve(null, null, Map.of(), empty, missing))
                .isEqualTo(new Settings("default", Settings.DEFAULT_API_URL, "default", null, null));
        assertThat(Settings.resolve(null, null, Map.of("HOSTCTL_TOKEN", "hct_env"), empty, socket))
                .as("a token is for a URL, not for the socket")
                .isEqualTo(new Settings("default", Settings.DEFAULT_API_URL, "default", "hct_env", "env"));
        assertThat(Settings.resolve(null, null, Map.of("HOSTCTL_API_URL", "http://env"), empty, socket).apiUrl())
                .isEqualTo("http://env");
        assertThat(Settings.resolve(null, "unix:/elsewhere.sock", Map.of("HOSTCTL_API_URL", "http://env"), empty,
                socket)).isEqualTo(new Settings("default", "unix:/elsewhere.sock", "flag", null, null));
        Config profile = new Config("work", Map.of("work", new Profile("http://profile", null)));
        assertThat(Settings.resolve(null, null, Map.of(), profile, socket).apiUrl()).isEqualTo("http://profile");
    }
}
