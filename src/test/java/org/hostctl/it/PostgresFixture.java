package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.freePort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL cluster on 127.0.0.1 and a free port, data in a temporary directory, started once per JVM
 * on first use and stopped by a shutdown hook. Tests call {@link #require()}: without PostgreSQL binaries the test
 * is skipped, or fails when {@code CI=true}.
 *
 * <p>Binaries: {@code $PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}, else {@code PATH}.
 * As root (CI) {@code initdb} and {@code pg_ctl} run as the {@code postgres} user through {@code runuser}.
 */
public final class PostgresFixture {
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private static PostgresFixture shared;
    private static RuntimeException startFailure;

    private final Path bin;
    private final Path base;
    private final Path dataDir;
    private final Path serverLog;
    private final boolean asPostgresUser;
    private int port;

    private PostgresFixture(Path bin, Path base, boolean asPostgresUser) {
        this.bin = bin;
        this.base = base;
        this.dataDir = base.resolve("data");
        this.serverLog = base.resolve("server.log");
        this.asPostgresUser = asPostgresUser;
    }

    /** Whether PostgreSQL binaries (and, as root, the {@code postgres} user) are present. */
    public static boolean available() {
        return findBin().isPresent() && (!isRoot() || postgresUser().isPresent());
    }

    /**
     * The shared cluster, started on first call. Skips the calling test if PostgreSQL is not installed, fails it
     * instead when the environment variable {@code CI} is {@code true}, and always fails it if the cluster does
     * not start.
     */
    public static PostgresFixture require() {
        if (!available()) {
            String reason = "PostgreSQL is not installed (no initdb/pg_ctl in $PG_BIN, /usr/lib/postgresql/*/bin"
                    + " or PATH" + (isRoot() ? ", or no postgres user" : "") + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true requires it (apt-get install postgresql)");
            }
            Assumptions.abort(reason);
        }
        return shared();
    }

    /** The shared cluster, started on first call; throws if it cannot start. */
    public static synchronized PostgresFixture shared() {
        if (shared != null) {
            return shared;
        }
        if (startFailure != null) {
            throw new IllegalStateException("PostgreSQL test cluster failed to start earlier", startFailure);
        }
        try {
            PostgresFixture fixture = create();
            Runtime.getRuntime().addShutdownHook(new Thread(fixture::stopAndDelete, "postgres-fixture-stop"));
            fixture.initdb();
            fixture.start();
            shared = fixture;
            return fixture;
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** JDBC URL of the cluster's {@code postgres} database as superuser {@code postgres}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** Drops {@code name} if it exists, creates it empty, and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage()
                    + "\n" + logTail(), e);
        }
        return jdbcUrl(name);
    }

    private static PostgresFixture create() {
        Path bin = findBin().orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries found"));
        boolean root = isRoot();
        try {
            Path base;
            if (root) {
                // /tmp is world-traversable, so the postgres user can reach the data directory.
                base = Files.createTempDirectory(Path.of("/tmp"), "hostctl-pg-");
                UserPrincipal user = postgresUser().orElseThrow();
                PosixFileAttributeView view = Files.getFileAttributeView(base, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(lookup().lookupPrincipalByGroupName("postgres"));
            } else {
                base = Files.createTempDirectory("hostctl-pg-");
            }
            return new PostgresFixture(bin, base, root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the PostgreSQL test directory", e);
        }
    }

    private void initdb() {
        Result r = run(INITDB_TIMEOUT, base.resolve("initdb.out"), bin.resolve("initdb").toString(),
                "-D", dataDir.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                "--no-sync");
        if (r.exitCode != 0) {
            throw new IllegalStateException("initdb failed (" + r.describe() + ")");
        }
    }

    private void start() {
        Result last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            port = freePort();
            String options = "-p " + port + " -k " + base + " -c listen_addresses=127.0.0.1"
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            last = run(START_TIMEOUT.plusSeconds(10), base.resolve("start.out"), bin.resolve("pg_ctl").toString(),
                    "-D", dataDir.toString(), "-l", serverLog.toString(), "-o", options,
                    "-w", "-t", String.valueOf(START_TIMEOUT.toSeconds()), "start");
            if (last.exitCode == 0) {
                return;
            }
            if (!logTail().contains("could not bind")) {
                break;
            }
        }
        throw new IllegalStateException("pg_ctl start failed on 127.0.0.1:" + port + " (" + last.describe() + ")\n"
                + logTail());
    }

    private void stopAndDelete() {
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                run(STOP_TIMEOUT.plusSeconds(10), base.resolve("stop.out"), bin.resolve("pg_ctl").toString(),
                        "-D", dataDir.toString(), "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds()),
                        "stop");
            }
        } finally {
            deleteRecursively(base);
        }
    }

    private Result run(Duration timeout, Path output, String... command) {
        List<String> argv = new ArrayList<>();
        if (asPostgresUser) {
            argv.addAll(List.of(runuser(), "-u", "postgres", "--"));
        }
        argv.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout
                        + "\n" + read(output) + "\n" + logTail());
            }
            return new Result(argv, process.exitValue(), read(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        }
    }

    private String logTail() {
        String log = read(serverLog);
        List<String> lines = log.lines().toList();
        return "--- last lines of " + serverLog + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }


    private static Optional<Path> findBin() {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(PostgresFixture::hasTools);
        }
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Optional<Path> newest = dirs
                        .filter(d -> d.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                        .map(d -> d.resolve("bin"))
                        .filter(PostgresFixture::hasTools);
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":"))
                .filter(p -> !p.isEmpty())
                .map(Path::of)
                .filter(PostgresFixture::hasTools)
                .findFirst();
    }

    private static boolean hasTools(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<UserPrincipal> postgresUser() {
        try {
            return Optional.of(lookup().lookupPrincipalByName("postgres"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static UserPrincipalLookupService lookup() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }

    private static String runuser() {
        for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "runuser";
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover directory in /tmp does no harm
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    private record Result(List<String> argv, int exitCode, String output) {
        String describe() {
            return String.join(" ", argv) + " exited " + exitCode + ":\n" + output.strip();
        }
    }
}
