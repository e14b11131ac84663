package org.hostctl.server.php.check;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Runs {@code compat-scan.php} with an installed PHP over a batch of file contents, given on stdin: PHP never
 * opens a customer path, and the scanner only tokenizes (and, for the target version, parses) the code; nothing
 * is included or evaluated. The process runs with {@code -n} (no php.ini), an {@code open_basedir} that admits
 * nothing, a memory limit and a wall-clock limit, an empty environment, and - when hostd runs as root - as
 * {@code nobody} through {@code setpriv}.
 */
public final class PhpScanner {
    private static final String HELPER = loadHelper();
    private static final int NOBODY = 65534;
    private static final int MAX_STDERR = 16 * 1024;

    /** One event the helper reported; fields not used by a type are 0 or null. */
    public record Event(char type, int scope, int line, String name, String arg) {}

    /** What the helper reported about one file of the batch. */
    public record FileScan(int index, List<Event> events) {}

    private final Duration timeout;
    private final boolean dropPrivileges;

    /**
     * @param timeout how long one batch may take
     * @param dropPrivileges run PHP as uid/gid 65534 (needs root)
     */
    public PhpScanner(Duration timeout, boolean dropPrivileges) {
        this.timeout = timeout;
        this.dropPrivileges = dropPrivileges;
    }

    /** A scanner that drops privileges exactly when hostd runs as root. */
    public static PhpScanner forThisProcess(Duration timeout) {
        return new PhpScanner(timeout, isRoot());
    }

    /**
     * Scans {@code contents} with {@code php}.
     *
     * @param parse also let {@code token_get_all(TOKEN_PARSE)} judge the syntax (only for the target's binary)
     * @param done called with the batch index of each file as it is finished
     */
    public List<FileScan> scan(Path php, boolean parse, RemovalRules rules, List<byte[]> contents, IntConsumer done) {
        List<String> cmd = new ArrayList<>();
        if (dropPrivileges) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        cmd.addAll(List.of(php.toString(), "-n", "-d", "extension=tokenizer", "-d", "memory_limit=512M",
                "-d", "open_basedir=/nonexistent-hostd-scan", "-d", "short_open_tag=0", "-d", "display_errors=stderr",
                "-d", "log_errors=0", "-d", "max_execution_time=" + Math.max(1, timeout.toSeconds()),
                "-r", HELPER));
        if (parse) {
            cmd.add("parse");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ScanException("cannot run " + php + ": " + e.getMessage());
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread writer = new Thread(() -> feed(p.getOutputStream(), rules, contents), "php-scan-writer");
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }, "php-scan-watchdog");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> drain(p.getErrorStream(), stderr), "php-scan-stderr");
        writer.setDaemon(true);
        watchdog.setDaemon(true);
        errReader.setDaemon(true);
        writer.start();
        watchdog.start();
        errReader.start();
        List<FileScan> out = new ArrayList<>();
        List<Event> current = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", -1);
                if (f.length < 2) {
                    continue;
                }
                int index = Integer.parseInt(f[1]);
                Event e = switch (f[0]) {
                    case "P" -> new Event('P', 0, Integer.parseInt(f[2]), null, f[3]);
                    case "C", "V" -> new Event(f[0].charAt(0), Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], null);
                    case "G" -> new Event('G', Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5]);
                    case "D", "S" -> new Event(f[0].charAt(0), 0, Integer.parseInt(f[2]), f[3], null);
                    case "X", "A" -> new Event(f[0].charAt(0), 0, Integer.parseInt(f[2]), f[3], f[4]);
                    default -> null;
                };
                if (f[0].equals("E")) {
                    out.add(new FileScan(index, List.copyOf(current)));
                    current.clear();
                    done.accept(index);
                } else if (e != null) {
                    current.add(e);
                }
            }
            p.waitFor(10, TimeUnit.SECONDS);
            errReader.join(2000);
        } catch (IOException e) {
            throw new ScanException("reading the PHP scanner's output failed: " + e.getMessage());
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            p.destroyForcibly();
            throw new ScanException("the PHP scanner printed an unexpected line");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ScanException("interrupted");
        } finally {
            watchdog.interrupt();
        }
        if (timedOut.get()) {
            throw new ScanException("the PHP scanner did not finish within "
                    + java.math.BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString() + " s");
        }
        if (out.size() != contents.size()) {
            String err = stderr.toString(StandardCharsets.UTF_8).replaceAll("[\\x00-\\x1f]+", " ").strip();
            throw new ScanException("the PHP scanner stopped after " + out.size() + " of " + contents.size()
                    + " files" + (err.isEmpty() ? "" : ": " + (err.length() > 300 ? err.substring(0, 300) : err)));
        }
        return out;
    }

    private static void feed(OutputStream raw, RemovalRules rules, List<byte[]> contents) {
        try (OutputStream o = new java.io.BufferedOutputStream(raw, 1 << 16)) {
            StringBuilder h = new StringBuilder();
            rules.functionNames().forEach(n -> h.append("N\t").append(n).append('\n'));
            rules.functionPrefixes().forEach(n -> h.append("Q\t").append(n).append('\n'));
            rules.variables().forEach(n -> h.append("W\t").append(n).append('\n'));
            h.append(".\n");
            o.write(h.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < contents.size(); i++) {
                byte[] c = contents.get(i);
                o.write(("F\t" + i + "\t" + c.length + "\n").getBytes(StandardCharsets.US_ASCII));
                o.write(c);
            }
            o.write("Z\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the process ended early; the reader reports it
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (sink.size() < MAX_STDERR) {
                    sink.write(buf, 0, Math.min(n, MAX_STDERR - sink.size()));
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private static String loadHelper() {
        try (InputStream in = PhpScanner.class.getResourceAsStream("/org/hostctl/server/php/compat-scan.php")) {
            if (in == null) {
                throw new IllegalStateException("compat-scan.php is missing from the classpath");
            }
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.startsWith("<?php") ? s.substring("<?php".length()) : s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether hostd runs as root (uid 0). */
    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self/"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The scanner could not do its work; the message is one line. */
    public static final class ScanException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScanException(String message) {
            super(message);
        }
    }
}
