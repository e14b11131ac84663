package org.hostctl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared test values. */
public final class Fixtures {
    /** The day the tests pretend it is: PHP 8.1 is end of life, 8.2 is not yet. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    /**
     * Directory of the php-fpm sockets of {@link #CONFIG}: real (unserved) Unix sockets of the accounts alice and bob,
     * so that hostd sees their pools as installed; other accounts have none.
     */
    public static final Path FPM_SOCKETS = fpmSockets("alice", "bob");

    /**
     * A hostd.yaml offering CGI versions 5.6, 7.4, 8.2 (default), 8.3 and an FPM 8.2 per account. These tests run
     * no web server: each CGI handler's binary is /bin/sh, a program every host has.
     */
    public static final String CONFIG = """
            php:
              default: "8.2"
              versions:
                - {version: "5.6", type: cgi, handler: php56-cgi, binary: /bin/sh}
                - {version: "7.4", type: cgi, handler: php74-cgi, binary: /bin/sh}
                - {version: "8.2", type: cgi, handler: php82-cgi, binary: /bin/sh}
                - {version: "8.3", type: cgi, handler: php83-cgi, binary: /bin/sh}
                - {version: "8.2-fpm", branch: "8.2", type: fpm, socket: "%s/fpm-{account}.sock"}
            """.formatted(FPM_SOCKETS);

    /** Creates a socket file for each account's pool in a new temporary directory (removed at exit). */
    private static Path fpmSockets(String... accounts) {
        try {
            Path dir = Files.createTempDirectory("hostd-fpm");
            dir.toFile().deleteOnExit();
            for (String account : accounts) {
                Path socket = dir.resolve("fpm-" + account + ".sock");
                try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.bind(UnixDomainSocketAddress.of(socket));
                }
                socket.toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fixtures() {}

    /** Closes each of {@code resources} that is not null, in order; one failing to close does not keep the rest open. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the others still need stopping
                }
            }
        }
    }
}
