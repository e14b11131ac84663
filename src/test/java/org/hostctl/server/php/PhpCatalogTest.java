package org.hostctl.server.php;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.hostctl.server.config.HostdConfig;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PhpCatalogTest {
    @TempDir
    Path tmp;

    private static HostdConfig.Handler cgi(String version, String binary, Boolean available) {
        return new HostdConfig.Handler(version, null, "cgi", "php" + version.replace(".", "") + "-cgi", null, null,
                binary, available);
    }

    private static HostdConfig.Handler fpm(String version, String socket) {
        return new HostdConfig.Handler(version, "8.2", "fpm", null, socket, null, null, null);
    }

    private static PhpCatalog catalog(HostdConfig.Handler... handlers) {
        return new PhpCatalog(new HostdConfig.Php(null, List.of(handlers), List.of()), Clock.systemUTC());
    }

    @Test
    void a_version_is_installed_while_its_program_or_socket_is_there() throws IOException {
        Path program = program("php-cgi8.2");
        Path socket = tmp.resolve("fpm-alice.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(socket));
        }
        PhpCatalog catalog = catalog(cgi("8.2", program.toString(), null),
                fpm("8.2-fpm", tmp + "/fpm-{account}.sock"), cgi("7.4", program.toString(), false),
                new HostdConfig.Handler("8.3", null, "demo", "php83-demo", null, null, null, null));
        catalog.requireInstalled();

        assertThat(states(catalog, "alice")).containsExactly("installed", "installed", "unavailable", "demo");
        assertThat(states(catalog, "bob")).containsExactly("installed", "missing", "unavailable", "demo");
        assertThat(PhpCatalog.missing(catalog.version("8.2-fpm").orElseThrow(), "bob")).hasValueSatisfying(
                why -> assertThat(why).isEqualTo("the php-fpm socket " + tmp + "/fpm-bob.sock is missing"
                        + " (is the pool running?)"));

        Files.delete(program);

        assertThat(states(catalog, "alice")).containsExactly("missing", "installed", "unavailable", "demo");
        assertThatThrownBy(catalog::requireInstalled).hasMessage("php.versions: version 8.2: the program " + program
                + " of handler php82-cgi is missing; install it, correct the entry, or mark it 'available: false'");
    }

    @Test
    void a_cgi_version_without_a_binary_or_an_fpm_pool_without_its_socket_stops_the_start() {
        assertThatThrownBy(() -> catalog(cgi("8.3", null, null)).requireInstalled())
                .hasMessageStartingWith("php.versions: version 8.3: no binary is configured for handler php83-cgi;");
        assertThatThrownBy(() -> catalog(fpm("8.2-fpm", tmp + "/php8.2-fpm.sock")).requireInstalled())
                .hasMessageStartingWith("php.versions: version 8.2-fpm: the php-fpm socket " + tmp
                        + "/php8.2-fpm.sock is missing");
        assertThatThrownBy(() -> catalog(fpm("8.2-fpm", "/nonexistent/hostd/fpm-{account}.sock")).requireInstalled())
                .hasMessageContaining("the directory /nonexistent/hostd of the php-fpm sockets is missing");
        catalog(cgi("8.3", null, false)).requireInstalled();
    }

    @Test
    void a_relative_binary_is_refused() {
        assertThatThrownBy(() -> catalog(cgi("8.2", "php-cgi8.2", null)))
                .hasMessage("php.versions: binary of 8.2 must be an absolute path");
    }

    private static List<String> states(PhpCatalog catalog, String account) {
        return catalog.entries().stream().map(e -> PhpCatalog.state(e, account)).toList();
    }

    private Path program(String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
