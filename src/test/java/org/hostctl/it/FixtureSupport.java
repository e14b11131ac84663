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
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the private service fixtures share: loopback ports, process ids, root checks, log tails, shutdown hooks and
 * directory traversal for the services' users.
 */
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

    /** Removes a fixture's shutdown hook; nothing happens when the JVM is already shutting down or it is gone. */
    static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down (this is the hook) or the hook was never or already removed
        }
    }

    /**
     * Lets other users (a service's unprivileged user) traverse {@code dir} and its parents: adds o+x where it is
     * missing, only below the temporary directory; a parent outside it that lacks o+x is an error naming {@code user}.
     */
    static void grantTraversal(Path dir, String user) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                continue;
            }
            if (!p.startsWith(tmp) || p.equals(tmp)) {
                throw new IllegalStateException(user + " cannot traverse " + p + "; use directories under " + tmp);
            }
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
    }

    /**
     * One CRLF-terminated line from a test client's connection, without the CRLF.
     *
     * @param protocol named in the errors: the connection closed, or a line longer than {@code maxBytes}
     */
    static String readCrlfLine(java.io.InputStream in, int maxBytes, String protocol) throws IOException {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the " + protocol + " server");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = buffer.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            if (buffer.size() > maxBytes) {
                throw new IOException(protocol + " line too long");
            }
            buffer.write(b);
            previous = b;
        }
    }

    /** Exit code and output of a program a fixture ran. */
    record ToolResult(List<String> argv, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", argv) + " exited " + exitCode + "\nstdout: " + stdout.strip()
                    + "\nstderr: " + stderr.strip();
        }
    }

    /** Runs a program with an argument array, {@code input} on stdin and a timeout; never put a secret in argv. */
    static ToolResult run(List<String> argv, byte[] input, java.time.Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("hostctl-fx-out", ".txt");
            err = Files.createTempFile("hostctl-fx-err", ".txt");
            Process process = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input);
            }
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            return new ToolResult(List.copyOf(argv), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    p.toFile().delete();
                }
            }
        }
    }

    /** Whether a process exited (a zombie counts: orphans are reaped late in some containers) within the time. */
    static boolean awaitExit(ProcessHandle process, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && !isZombie(process.pid())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(java.time.Duration.ofMillis(10));
        }
        return true;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    static void sleep(java.time.Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** Deletes a directory tree, trying again when files vanish during the walk. */
    static void deleteRecursively(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS); attempt++) {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished during the walk; try again
            }
        }
    }
}
