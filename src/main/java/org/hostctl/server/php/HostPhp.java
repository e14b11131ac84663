package org.hostctl.server.php;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PHP handlers a host really has, as Debian (and Sury's packages) lay them out: php-cgi programs
 * ({@code /usr/bin/php-cgiX.Y}, {@code /usr/lib/cgi-bin/phpX.Y}) and php-fpm pools
 * ({@code /etc/php/X.Y/fpm/pool.d/*.conf} with a Unix socket {@code listen} that is there, i.e. a running pool).
 * hostd writes its first catalogue from this, so that it never offers a version whose handler is not there.
 *
 * <p>A CGI version {@code X.Y} is offered as handler {@code phpXY-cgi}, the name the provider kit's Apache
 * configuration defines; an FPM pool as {@code X.Y-fpm} (further pools of the branch as {@code X.Y-fpm-POOL}).
 */
public final class HostPhp {
    private static final Pattern BRANCH_DIR = Pattern.compile("\\d+\\.\\d+");
    private static final Pattern CGI_PROGRAM = Pattern.compile("php-cgi(\\d+\\.\\d+)");
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^\\]]+)]\\s*$");
    private static final Pattern LISTEN = Pattern.compile("^\\s*listen\\s*=\\s*\"?([^\"\\s;]+)\"?\\s*(;.*)?$");
    private static final Comparator<String> BY_BRANCH = Comparator.comparing(HostPhp::branchKey);

    /** One handler found on the host. */
    public record Found(String version, String branch, String type, String handler, String socket, String binary) {}

    private final Path root;

    /** @param root the host's file system root; tests pass a directory laid out like one */
    public HostPhp(Path root) {
        this.root = root;
    }

    /** The handlers of the running host. */
    public static HostPhp system() {
        return new HostPhp(Path.of("/"));
    }

    /**
     * CGI versions by branch, then the FPM pools whose socket is there (running pools) by branch; paths are those of
     * the real host (without the root).
     */
    public List<Found> scan() {
        List<Found> found = new ArrayList<>(cgi());
        found.addAll(fpm());
        return found;
    }

    /** The sockets of pools configured but not running (no socket), which {@link #scan()} leaves out. */
    public List<String> idlePools() {
        List<String> idle = new ArrayList<>();
        pools((branch, poolSocket) -> {
            if (!PhpCatalog.isSocket(host(poolSocket[1]))) {
                idle.add(poolSocket[1]);
            }
        });
        return idle;
    }

    /** The default: the newest CGI branch, else the newest FPM pool; null when there is nothing. */
    public static String defaultOf(List<Found> found) {
        Comparator<Found> newest = Comparator.comparing(f -> branchKey(f.branch()));
        return found.stream().filter(f -> f.type().equals(PhpCatalog.CGI)).max(newest)
                .or(() -> found.stream().max(newest)).map(Found::version).orElse(null);
    }

    /** The {@code versions:} list as YAML lines (two-space indent under {@code php:}); " []" when empty. */
    public static String yaml(List<Found> found) {
        if (found.isEmpty()) {
            return " []";
        }
        StringBuilder y = new StringBuilder();
        for (Found f : found) {
            y.append("\n    - version: \"").append(f.version()).append('"');
            if (f.type().equals(PhpCatalog.CGI)) {
                y.append("\n      type: cgi\n      handler: ").append(f.handler())
                        .append("\n      binary: ").append(f.binary());
            } else {
                y.append("\n      branch: \"").append(f.branch()).append('"')
                        .append("\n      type: fpm\n      socket: ").append(f.socket());
            }
        }
        return y.toString();
    }

    private List<Found> cgi() {
        Set<String> branches = new TreeSet<>(BY_BRANCH);
        for (Path p : list(host("/usr/bin"))) {
            Matcher m = CGI_PROGRAM.matcher(p.getFileName().toString());
            if (m.matches() && Files.isExecutable(p)) {
                branches.add(m.group(1));
            }
        }
        for (Path p : list(host("/usr/lib/cgi-bin"))) {
            String name = p.getFileName().toString();
            if (name.startsWith("php") && BRANCH_DIR.matcher(name.substring(3)).matches() && Files.isExecutable(p)) {
                branches.add(name.substring(3));
            }
        }
        List<Found> out = new ArrayList<>();
        for (String b : branches) {
            String program = Files.isExecutable(host("/usr/bin/php-cgi" + b)) ? "/usr/bin/php-cgi" + b
                    : "/usr/lib/cgi-bin/php" + b;
            out.add(new Found(b, b, PhpCatalog.CGI, "php" + b.replace(".", "") + "-cgi", null, program));
        }
        return out;
    }

    private List<Found> fpm() {
        List<Found> out = new ArrayList<>();
        pools((b, poolSocket) -> {
            if (PhpCatalog.isSocket(host(poolSocket[1]))) {
                String version = out.stream().anyMatch(f -> f.branch().equals(b)) ? b + "-fpm-" + poolSocket[0]
                        : b + "-fpm";
                out.add(new Found(version, b, PhpCatalog.FPM, null, poolSocket[1], null));
            }
        });
        return out;
    }

    /** Each pool listening on a Unix socket as {pool, socket}, by branch, each socket once. */
    private void pools(java.util.function.BiConsumer<String, String[]> each) {
        Set<String> branches = new TreeSet<>(BY_BRANCH);
        for (Path p : list(host("/etc/php"))) {
            if (BRANCH_DIR.matcher(p.getFileName().toString()).matches()) {
                branches.add(p.getFileName().toString());
            }
        }
        Set<String> sockets = new LinkedHashSet<>();
        for (String b : branches) {
            List<Path> pools = new ArrayList<>(list(host("/etc/php/" + b + "/fpm/pool.d")));
            pools.sort(Comparator.naturalOrder());
            for (Path pool : pools) {
                if (pool.getFileName().toString().endsWith(".conf")) {
                    for (String[] poolSocket : sockets(pool)) {
                        if (sockets.add(poolSocket[1])) {
                            each.accept(b, poolSocket);
                        }
                    }
                }
            }
        }
    }

    /** {pool name, socket path} of each pool in a pool file listening on a Unix socket. */
    private static List<String[]> sockets(Path file) {
        List<String[]> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        String pool = null;
        for (String line : lines) {
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                pool = section.group(1).strip();
                continue;
            }
            Matcher listen = LISTEN.matcher(line);
            if (pool != null && !pool.equals("global") && listen.matches() && listen.group(1).contains("/")) {
                String socket = listen.group(1).replace("$pool", pool);
                // only what hostd.yaml accepts, so that hostd starts with the file it wrote
                if (PhpCatalog.SOCKET.matcher(socket).matches() && !socket.contains("{")
                        && pool.matches("[A-Za-z0-9._-]{1,32}")) {
                    out.add(new String[] {pool, socket});
                }
            }
        }
        return out;
    }

    private Path host(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            // an unreadable directory offers nothing
        }
        return out;
    }

    private static String branchKey(String branch) {
        String[] parts = branch.split("\\.");
        return String.format("%05d.%05d", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
}
