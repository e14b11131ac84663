package org.hostctl.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private OpenSSH server on 127.0.0.1 (Debian's openssh-server): its own host key, key login only, each user's
 * authorized key in a file the test writes, and {@code PATH} in sessions starting with a directory the test
 * fills. Needs root, like the real sshd. Stops on {@link #close}; only the process it started is killed.
 */
final class SshFixture implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    static final Path SSH = Path.of("/usr/bin/ssh");
    static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

    private final Path dir;
    private final int port;
    private final Path clientKey;
    private final Process process;
    private final Thread hook;

    private SshFixture(Path dir, int port, Path clientKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.clientKey = clientKey;
        this.process = process;
        this.hook = new Thread(process::destroy, "sshd-fixture-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Skips outside CI when not root or OpenSSH is missing; fails under CI=true. */
    static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        if (!FixtureSupport.runningAsRoot()) {
            missing.add("root");
        }
        for (Path p : List.of(SSHD, SSH, SSH_KEYGEN, Path.of("/usr/sbin/useradd"), Path.of("/usr/bin/curl"))) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        FixtureSupport.assumeComplete("sshd", missing);
    }

    /**
     * Starts sshd in {@code dir} letting {@code users} log in with one client key; sessions get {@code pathFirst}
     * at the start of PATH.
     */
    static SshFixture start(Path dir, List<String> users, Path pathFirst) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Path clientKey = dir.resolve("client_key");
        run(List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        run(List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString()));
        Path keys = Files.createDirectories(dir.resolve("authorized"));
        String pub = Files.readString(dir.resolve("client_key.pub"), StandardCharsets.UTF_8);
        for (String u : users) {
            Files.writeString(keys.resolve(u), pub, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(keys.resolve(u), PosixFilePermissions.fromString("rw-r--r--"));
        }
        // privilege separation directory of Debian's sshd
        Files.createDirectories(Path.of("/run/sshd"));
        int port = FixtureSupport.freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + keys + "/%u",
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin no",
                "AllowUsers " + String.join(" ", users),
                "PermitUserEnvironment no",
                "SetEnv PATH=" + pathFirst + ":/usr/local/bin:/usr/bin:/bin",
                "Subsystem sftp internal-sftp",
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("sshd.log");
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString(), "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SshFixture f = new SshFixture(dir, port, clientKey, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!FixtureSupport.accepts(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                f.close();
                throw new IllegalStateException("sshd did not start" + FixtureSupport.tail(log));
            }
            Thread.sleep(50);
        }
        return f;
    }

    /** {@code ssh -p PORT user@127.0.0.1 command}, with the test's key and no known-hosts file. */
    Result ssh(String user, String command) throws IOException, InterruptedException {
        return exec(List.of(SSH.toString(), "-i", clientKey.toString(), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-p",
                Integer.toString(port), user + "@127.0.0.1", command));
    }

    int port() {
        return port;
    }

    /** Runs a command (argument array, no shell) and waits at most a minute. */
    static Result exec(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("fixture-out", ".txt");
        Path err = Files.createTempFile("fixture-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Result r = exec(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(command + " failed: " + r);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FixtureSupport.removeShutdownHook(hook);
    }

    /** What a command did. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
