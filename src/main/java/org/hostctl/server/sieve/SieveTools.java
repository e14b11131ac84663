package org.hostctl.server.sieve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pigeonhole's offline tools: {@code sievec} to validate a script and {@code sieve-test} to show what a script would
 * do with a message. Each run gets a private temporary directory (mode 0700) holding the script, the message and
 * the output; nothing else is ever passed as an output path (sievec replaces its output file by renaming, so a
 * shared path such as {@code /dev/null} would be destroyed). Programs run from argument arrays, with a timeout.
 */
public final class SieveTools {
    private static final Logger LOG = LoggerFactory.getLogger(SieveTools.class);
    /** Script file name inside a run's directory; sievec prefixes its messages with it (without .sieve). */
    static final String SCRIPT = "script";
    private static final Pattern MESSAGE = Pattern.compile("^" + SCRIPT + ": (.*)$");
    private static final Pattern LINE = Pattern.compile("^line \\d+: (error|warning): .*");
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final int NOBODY = 65534;

    private final Path sievec;
    private final Path sieveTest;
    private final Duration timeout;

    /**
     * @param sievec the sievec binary, null when it is not installed
     * @param sieveTest the sieve-test binary, null when it is not installed
     * @param timeout how long one run may take
     */
    public SieveTools(Path sievec, Path sieveTest, Duration timeout) {
        this.sievec = sievec;
        this.sieveTest = sieveTest;
        this.timeout = timeout;
    }

    /**
     * The tools as configured: a path, {@code null} to look on the PATH (and in /usr/bin, /usr/sbin), or an empty
     * string for none.
     */
    public static SieveTools of(String sievec, String sieveTest, Duration timeout) {
        return new SieveTools(find(sievec, "sievec"), find(sieveTest, "sieve-test"), timeout);
    }

    private static Path find(String configured, String name) {
        if (configured != null) {
            return configured.isBlank() ? null : Path.of(configured);
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Whether scripts are compiled by sievec (else only basic checks are possible). */
    public boolean canCompile() {
        return sievec != null;
    }

    /** Whether {@link #test} can run. */
    public boolean canTest() {
        return sieveTest != null;
    }

    /**
     * Compiles a script with sievec.
     *
     * @return sievec's warnings, each like {@code line 2: warning: ...}
     * @throws SieveCompileException with the errors, file-name prefixes stripped, when it does not compile
     */
    public List<String> compile(String content) {
        if (sievec == null) {
            throw new IllegalStateException("sievec is not installed");
        }
        try (RunDir run = RunDir.create(false)) {
            Path script = run.write(SCRIPT + ".sieve", content.getBytes(StandardCharsets.UTF_8));
            Result r = run.exec(List.of(sievec.toString(), script.toString(), run.dir.resolve("out.svbin").toString()),
                    timeout);
            List<String> lines = messages(r.stderr + "\n" + r.stdout);
            if (r.exit == 0) {
                return lines.stream().filter(l -> l.contains(": warning: ") || l.startsWith("warning: ")).toList();
            }
            throw new SieveCompileException(errors(lines));
        }
    }

    /** What sieve-test reports a script would do with a message. */
    public record TestOutcome(List<String> actions, boolean implicitKeep) {}

    /**
     * Runs sieve-test on a script and a message without executing any action (no {@code -e}): it never sends or
     * stores mail. As root it drops privileges to uid/gid 65534, which owns the run's directory.
     *
     * @param recipient the mailbox the message is delivered to (envelope recipient)
     * @param envelopeFrom the envelope sender, null for none
     */
    public TestOutcome test(String content, byte[] message, String recipient, String envelopeFrom) {
        if (sieveTest == null) {
            throw new IllegalStateException("sieve-test is not installed");
        }
        boolean root = isRoot();
        try (RunDir run = RunDir.create(root)) {
            Path script = run.write(SCRIPT + ".sieve", content.getBytes(StandardCharsets.UTF_8));
            Path msg = run.write("message.eml", message);
            List<String> cmd = new ArrayList<>(List.of(sieveTest.toString()));
            if (root) {
                cmd.addAll(List.of("-o", "mail_uid=" + NOBODY, "-o", "mail_gid=" + NOBODY));
            }
            cmd.addAll(List.of("-r", recipient, "-a", recipient));
            if (envelopeFrom != null) {
                cmd.addAll(List.of("-f", envelopeFrom));
            }
            cmd.addAll(List.of(script.toString(), msg.toString()));
            Result r = run.exec(cmd, timeout);
            if (r.exit != 0) {
                List<String> errors = errors(messages(r.stderr));
                if (!errors.isEmpty() && errors.stream().anyMatch(e -> LINE.matcher(e).matches())) {
                    throw new SieveCompileException(errors);
                }
                LOG.warn("sieve-test failed with exit code {}: {}", r.exit, oneLine(r.stderr));
                throw new SieveException(SieveException.Code.REFUSED, "sieve-test could not run the script: "
                        + (errors.isEmpty() ? "exit code " + r.exit : String.join("; ", errors)));
            }
            return parseTest(r.stdout);
        }
    }

    /** Parses sieve-test's report: the lines under "Performed actions:" and "Implicit keep:". */
    static TestOutcome parseTest(String stdout) {
        List<String> actions = new ArrayList<>();
        List<String> keep = new ArrayList<>();
        List<String> section = null;
        for (String raw : stdout.split("\n", -1)) {
            String line = raw.strip();
            if (line.equals("Performed actions:")) {
                section = actions;
            } else if (line.equals("Implicit keep:")) {
                section = keep;
            } else if (section != null && line.startsWith("* ")) {
                section.add(line.substring(2).strip());
            } else if (section != null && line.startsWith("+ ") && !section.isEmpty()) {
                int last = section.size() - 1;
                section.set(last, section.get(last) + " + " + line.substring(2).strip());
            }
        }
        return new TestOutcome(List.copyOf(actions), !keep.isEmpty());
    }

    /** sievec's and sieve-test's messages about the script, without the script-name prefix. */
    static List<String> messages(String output) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = MESSAGE.matcher(line.strip());
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** The error lines; a summary such as {@code error: parse failed.} only when no line-numbered error came. */
    static List<String> errors(List<String> messages) {
        List<String> numbered = messages.stream().filter(m -> m.startsWith("line ") && m.contains(": error: "))
                .toList();
        if (!numbered.isEmpty()) {
            return numbered;
        }
        return messages.stream().filter(m -> m.startsWith("error: ")).toList();
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\x00-\\x1f\\x7f]+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /** Whether hostd runs as root (uid 0). */
    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self/"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private record Result(int exit, String stdout, String stderr) {}

    /** A private directory for one run, removed afterwards. */
    private static final class RunDir implements AutoCloseable {
        final Path dir;
        private final boolean forNobody;

        private RunDir(Path dir, boolean forNobody) {
            this.dir = dir;
            this.forNobody = forNobody;
        }

        static RunDir create(boolean forNobody) {
            try {
                Path dir = Files.createTempDirectory("hostd-sieve-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                if (forNobody) {
                    // sieve-test drops to uid 65534 and must read the script and write its binary next to it
                    Files.setAttribute(dir, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(dir, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                }
                return new RunDir(dir, forNobody);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for Sieve tools", e);
            }
        }

        Path write(String name, byte[] content) {
            try {
                Path f = dir.resolve(name);
                Files.write(f, content, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                if (forNobody) {
                    Files.setAttribute(f, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(f, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                }
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + name + " for Sieve tools", e);
            }
        }

        Result exec(List<String> cmd, Duration timeout) {
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + cmd.get(0), e);
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    throw new SieveException(SieveException.Code.REFUSED, Path.of(cmd.get(0)).getFileName()
                            + " did not finish within " + timeout.toSeconds() + " s; simplify the script");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
            }
            return new Result(p.exitValue(), read(out), read(err));
        }

        private static String read(Path f) {
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                LOG.warn("could not remove {}: {}", dir, e.toString());
            }
        }
    }

    /** For status output and tests. */
    public Optional<Path> sievec() {
        return Optional.ofNullable(sievec);
    }
}
