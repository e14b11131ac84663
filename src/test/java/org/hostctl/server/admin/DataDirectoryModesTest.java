package org.hostctl.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.HostdAdmin;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store holds every tenant's password and token hashes: hostd creates its data directory, configuration and
 * SQLite files for its own user and group only, and refuses a store or directory other users can read or write.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DataDirectoryModesTest {
    @TempDir
    Path tmp;

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    @Test
    void the_first_use_creates_the_directory_2770_the_store_and_its_wal_and_shm_0660_and_the_config_0640()
            throws IOException {
        Path data = tmp.resolve("new/data");
        try (Hostd hostd = Hostd.open(data, Clock.systemUTC())) {
            hostd.accounts().add("alice", Files.createDirectories(tmp.resolve("alice")), List.of(), null);

            assertThat(mode(data)).as("data directory").isEqualTo(02770);
            assertThat(mode(data.resolve("hostd.yaml"))).as("hostd.yaml").isEqualTo(0640);
            for (String f : List.of("hostd.db", "hostd.db-wal", "hostd.db-shm")) {
                assertThat(data.resolve(f)).exists();
                assertThat(mode(data.resolve(f))).as(f).isEqualTo(0660);
            }
        }
        try (var entries = Files.list(data)) {
            assertThat(entries.toList()).allSatisfy(p -> assertThat(mode(p) & 0007).as(p.toString()).isZero());
        }
    }

    @Test
    void a_world_readable_data_directory_is_refused_in_one_line_naming_it_and_the_fix() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.setAttribute(data, "unix:mode", 0755);

        HostctlRun run = HostdAdmin.run(data, "account", "list");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("hostd: directory " + data + " is open to every user (mode 0755); it holds"
                + " password and token hashes: run chmod o-rwx " + data + "\n");
        assertThat(data.resolve("hostd.db")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostd.db", "hostd.db-wal", "hostd.db-shm"})
    void a_store_file_other_users_can_read_or_write_is_refused(String name) throws IOException {
        Path data = tmp.resolve("data");
        Hostd.open(data, Clock.systemUTC()).close();
        Path file = data.resolve(name);
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        for (int open : new int[] {0664, 0662}) {
            Files.setAttribute(file, "unix:mode", open);

            HostctlRun run = HostdAdmin.run(data, "account", "list");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.err()).isEqualTo(String.format("hostd: file %s is open to every user (mode %04o); it"
                    + " holds password and token hashes: run chmod o-rwx %s%n", file, open, file));
        }
        Files.setAttribute(file, "unix:mode", 0660);
        HostctlRun fixed = HostdAdmin.run(data, "account", "list");
        assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    }

    @Test
    void a_directory_others_may_only_traverse_is_accepted() throws IOException {
        Path data = tmp.resolve("data");
        Hostd.open(data, Clock.systemUTC()).close();
        Files.setAttribute(data, "unix:mode", 02771);

        HostctlRun run = HostdAdmin.run(data, "account", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
    }
}
