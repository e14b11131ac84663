package org.hostctl.server.php.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The PHP command-line binaries installed on this node, by branch, as Debian names them ({@code php8.2} in
 * {@code /usr/bin}). A binary counts for a branch only after it reported that branch itself.
 */
public final class PhpBinaries {
    private static final Pattern NAME = Pattern.compile("php\\d{1,2}\\.\\d{1,2}");

    private final List<Path> dirs;
    private final Map<Path, Optional<PhpBranch>> reported = new ConcurrentHashMap<>();

    /** Looks in {@code dirs} (e.g. /usr/bin, /usr/local/bin) for binaries named {@code phpX.Y}. */
    public PhpBinaries(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    public static PhpBinaries system() {
        return new PhpBinaries(List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin")));
    }

    /** The binary of exactly {@code branch}, if installed. */
    public Optional<Path> forBranch(PhpBranch branch) {
        return installed().entrySet().stream().filter(e -> e.getKey().equals(branch)).map(Map.Entry::getValue)
                .findFirst();
    }

    /** The newest installed binary (its tokenizer handles the most syntax), if any. */
    public Optional<Path> newest() {
        TreeMap<PhpBranch, Path> all = installed();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.lastEntry().getValue());
    }

    /** Installed binaries by the branch they report. */
    public TreeMap<PhpBranch, Path> installed() {
        TreeMap<PhpBranch, Path> out = new TreeMap<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
                for (Path p : s) {
                    String n = p.getFileName().toString();
                    if (NAME.matcher(n).matches() && Files.isRegularFile(p) && Files.isExecutable(p)) {
                        PhpBranch named = PhpBranch.parse(n.substring(3));
                        reportedBranch(p).filter(named::equals).ifPresent(b -> out.putIfAbsent(b, p));
                    }
                }
            } catch (IOException e) {
                // an unreadable directory offers no binary
            }
        }
        return out;
    }

    private Optional<PhpBranch> reportedBranch(Path php) {
        return reported.computeIfAbsent(php, PhpBinaries::ask);
    }

    private static Optional<PhpBranch> ask(Path php) {
        try {
            Process p = new ProcessBuilder(php.toString(), "-n", "-r",
                    "echo PHP_MAJOR_VERSION, '.', PHP_MINOR_VERSION;").redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String v = new String(out, StandardCharsets.US_ASCII).strip();
            return p.exitValue() == 0 && PhpBranch.isVersion(v) ? Optional.of(PhpBranch.parse(v)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
