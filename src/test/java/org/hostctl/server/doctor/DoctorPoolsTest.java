package org.hostctl.server.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.hostctl.server.doctor.Doctor.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An FPM version with one pool per account: doctor fails it when no pool listens (php-fpm stopped). */
class DoctorPoolsTest {
    @TempDir
    Path tmp;

    private Finding fpm() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwx---"));
        Path yaml = data.resolve("hostd.yaml");
        Files.writeString(yaml, "php:\n  versions:\n    - {version: \"8.2-fpm\", branch: \"8.2\", type: fpm,"
                + " socket: \"" + tmp.resolve("run") + "/php8.2-fpm-{account}.sock\"}\n");
        Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-r-----"));
        Doctor.Options options = new Doctor.Options(null, null, null, tmp.resolve("no-dovecot.conf"),
                tmp.resolve("no-postfix"), Duration.ofSeconds(1));
        return new Doctor(data, options).run().stream().filter(f -> f.check().equals("php 8.2-fpm")).findFirst()
                .orElseThrow();
    }

    @Test
    void no_pool_listening_is_a_failure_naming_php_fpm() throws Exception {
        Files.createDirectories(tmp.resolve("run"));
        Files.writeString(tmp.resolve("run/php8.2-fpm-alice.sock"), "not a socket");

        Finding f = fpm();

        assertThat(f.result()).isEqualTo(Finding.FAIL);
        assertThat(f.detail()).startsWith("no php-fpm pool listens on " + tmp.resolve("run")
                + "/php8.2-fpm-{account}.sock: start php-fpm");
    }

    @Test
    void the_accounts_whose_pools_listen_are_named() throws Exception {
        Files.createDirectories(tmp.resolve("run"));
        try (ServerSocketChannel alice = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ServerSocketChannel bob = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            alice.bind(UnixDomainSocketAddress.of(tmp.resolve("run/php8.2-fpm-alice.sock")));
            bob.bind(UnixDomainSocketAddress.of(tmp.resolve("run/php8.2-fpm-bob.sock")));
            Files.createFile(tmp.resolve("run/php8.2-fpm.sock"));

            Finding f = fpm();

            assertThat(f.result()).as(f.toString()).isEqualTo(Finding.OK);
            assertThat(f.detail()).startsWith("php-fpm pools listen for alice, bob;");
        }
    }
}
