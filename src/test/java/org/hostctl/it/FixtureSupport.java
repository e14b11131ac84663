package org.hostctl.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the private service fixtures share: loopback ports, process ids, root checks and log tails. */
final class FixtureSupport {
    /** Lines of a log shown when a service does not start. */
    static final int LOG_TAIL_LINES = 40;

    private FixtureSupport() {}

    /** A port free on 127.0.0.1 right now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The process id in a pid file, if it holds one. */
    static Optional<Long> readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.matches("\\d+") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Skips the calling test when {@code missing} is not empty, but fails it when the environment variable
     * {@code CI} is {@code true}, so that CI cannot pass without running it.
     */
    static void assumeComplete(String fixture, List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String message = fixture + " fixture not available, missing " + missing + " (see .ci/install-packages)";
        if ("true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.fail(message + "; failing instead of skipping because CI=true");
        }
        org.junit.jupiter.api.Assumptions.abort(message);
    }

    /** The last lines of a log, for a failure message. */
    static String tail(Path log) {
        if (!Files.exists(log)) {
            return "\n--- " + log + " (missing)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "\n--- " + log + " (last " + last.size() + " lines)\n" + String.join("\n", last);
        } catch (IOException e) {
            return "\n--- " + log + ": " + e.getMessage();
        }
    }
}
