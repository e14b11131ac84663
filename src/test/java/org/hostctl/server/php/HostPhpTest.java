package org.hostctl.server.php;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.hostctl.server.config.ConfigFile;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.php.HostPhp.Found;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HostPhpTest {
    @TempDir
    Path root;

    @Test
    void cgi_programs_and_fpm_pools_are_found_as_debian_lays_them_out() throws IOException {
        program("usr/bin/php-cgi8.2");
        program("usr/lib/cgi-bin/php7.4");
        program("usr/lib/cgi-bin/php8.2");
        Files.writeString(root.resolve("usr/bin/php-cgi8.3"), "not executable");
        program("usr/bin/php8.4"); // the CLI is no handler
        pool("8.2", "www.conf", "[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\n");
        pool("8.2", "shop.conf", "[shop]\nlisten = \"/run/php/$pool.sock\" ; own pool\n[tcp]\nlisten = 127.0.0.1:9000\n"
                + "[odd]\nlisten = /run/php/odd+name.sock\n");
        pool("8.3", "www.conf.dpkg-dist", "[www]\nlisten = /run/php/php8.3-fpm.sock\n");
        pool("8.3", "www.conf", "[www]\nlisten = /run/php/php8.3-fpm.sock\n"); // not running: no socket
        socket("run/php/php8.2-fpm.sock");
        socket("run/php/shop.sock");
        socket("run/php/odd+name.sock"); // running, but a path hostd.yaml would refuse
        socket("run/php/php8.3-fpm.sock.old");

        List<Found> found = new HostPhp(root).scan();

        assertThat(found).containsExactly(
                new Found("7.4", "7.4", "cgi", "php74-cgi", null, "/usr/lib/cgi-bin/php7.4"),
                new Found("8.2", "8.2", "cgi", "php82-cgi", null, "/usr/bin/php-cgi8.2"),
                new Found("8.2-fpm", "8.2", "fpm", null, "/run/php/shop.sock", null),
                new Found("8.2-fpm-www", "8.2", "fpm", null, "/run/php/php8.2-fpm.sock", null));
        assertThat(HostPhp.defaultOf(found)).isEqualTo("8.2");
        assertThat(new HostPhp(root).idlePools()).containsExactly("/run/php/php8.3-fpm.sock");
    }

    @Test
    void a_host_without_php_gets_an_empty_catalogue_with_no_default_that_hostd_loads() throws IOException {
        Path data = root.resolve("data");

        ConfigFile.ensure(data, new HostPhp(root));

        String yaml = Files.readString(data.resolve(ConfigFile.NAME));
        assertThat(yaml).contains("  versions: []\n", "no php-cgi program and no php-fpm pool was found")
                .doesNotContain("@PHP_");
        HostdConfig config = ConfigFile.read(data.resolve(ConfigFile.NAME));
        PhpCatalog catalog = new PhpCatalog(config.php(), Clock.systemUTC());
        assertThat(catalog.entries()).isEmpty();
        assertThat(catalog.defaultVersion()).isNull();
        catalog.requireInstalled();
    }

    @Test
    void the_first_catalogue_lists_what_the_host_has_and_hostd_accepts_it() throws IOException {
        program("usr/bin/php-cgi8.2");
        program("usr/bin/php-cgi8.1");
        pool("8.2", "www.conf", "[www]\nlisten = /run/php/php8.2-fpm.sock\n");
        pool("8.3", "www.conf", "[www]\nlisten = /run/php/php8.3-fpm.sock\n");
        socket("run/php/php8.2-fpm.sock");
        Path data = root.resolve("data");

        ConfigFile.ensure(data, new HostPhp(root));

        HostdConfig config = ConfigFile.read(data.resolve(ConfigFile.NAME));
        PhpCatalog catalog = new PhpCatalog(config.php(), Clock.systemUTC());
        assertThat(catalog.entries()).extracting(PhpCatalog.Entry::version).containsExactly("8.1", "8.2", "8.2-fpm");
        assertThat(catalog.defaultVersion()).isEqualTo("8.2");
        PhpCatalog.Entry cgi = catalog.version("8.2").orElseThrow();
        assertThat(cgi.handler()).isEqualTo("php82-cgi");
        assertThat(cgi.binary()).isEqualTo("/usr/bin/php-cgi8.2");
        assertThat(catalog.version("8.2-fpm").orElseThrow().socket()).isEqualTo("/run/php/php8.2-fpm.sock");
        assertThat(Files.readString(data.resolve(ConfigFile.NAME)))
                .contains("(8.1 /usr/bin/php-cgi8.1, 8.2 /usr/bin/php-cgi8.2, 8.2-fpm /run/php/php8.2-fpm.sock;"
                        + " not offered, no php-fpm listens on /run/php/php8.3-fpm.sock)");
    }

    private void program(String path) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void socket(String path) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(p));
        }
    }

    private void pool(String branch, String file, String text) throws IOException {
        Path dir = Files.createDirectories(root.resolve("etc/php/" + branch + "/fpm/pool.d"));
        Files.writeString(dir.resolve(file), text);
    }
}
