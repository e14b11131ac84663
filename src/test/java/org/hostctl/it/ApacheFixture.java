package org.hostctl.it;

import static org.hostctl.it.FixtureSupport.accepts;
import static org.hostctl.it.FixtureSupport.freePort;
import static org.hostctl.it.FixtureSupport.grantTraversal;
import static org.hostctl.it.FixtureSupport.readPid;
import static org.hostctl.it.FixtureSupport.removeShutdownHook;
import static org.hostctl.it.FixtureSupport.runningAsRoot;
import static org.hostctl.it.FixtureSupport.tail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Apache 2.4 on 127.0.0.1 with PHP handlers selectable per directory through {@code .htaccess}:
 * CGI handlers (php-cgi behind mod_fcgid, bound to handler names with mod_actions) and FPM pools in one
 * php-fpm master. Debian 12 has only PHP 8.2, so every "version" runs PHP 8.2; each handler exports
 * {@code HOSTD_PHP_HANDLER=<name>} and has its own {@code memory_limit}, which is what tests assert on.
 *
 * <p>Started as root, Apache and php-fpm run as {@code nobody:nogroup} (via {@code setpriv}) with a clean
 * environment; otherwise as the current user. Configs, logs, pid files and sockets live under the run
 * directory; nothing under {@code /etc/apache2}, {@code /etc/php}, {@code /run} or {@code /var} is read or written.
 *
 * <p>hostd's handler catalog for a test is generated from {@link #handlers()}: name, version and kind of each
 * handler, {@link #fpmSocket(String)} for FPM handlers and {@link #defaultHandler()} as the account default.
 *
 * <pre>{@code
 * ApacheFixture.assumeAvailable();
 * try (ApacheFixture apache = ApacheFixture.start(tmp.resolve("run"), tmp.resolve("webspace"))) {
 *     Files.writeString(apache.docroot().resolve("p.php"), "<?php echo getenv('HOSTD_PHP_HANDLER');");
 *     assertThat(apache.get("/p.php").body()).isEqualTo("php82-cgi");
 * }
 * }</pre>
 */
public final class ApacheFixture implements AutoCloseable {

    static final Path APACHE = Path.of("/usr/sbin/apache2");
    static final Path PHP_FPM = Path.of("/usr/sbin/php-fpm8.2");
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final String WORKER_USER = "nobody";
    static final String WORKER_GROUP = "nogroup";
    static final String DEFAULT_DOCROOT = "public_html";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Characters allowed in paths written into configs and wrapper scripts (no quoting needed). */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final int MAX_SOCKET_PATH = 107;

    /** How a handler runs PHP. */
    public enum Kind { CGI, FPM }

    /**
     * A PHP handler of the node.
     *
     * @param name handler name as written into {@code .htaccess} for CGI ({@code AddHandler php74-cgi .php})
     *     and the FPM pool name
     * @param version the PHP version this handler stands for, e.g. {@code "7.4"} (it runs PHP 8.2)
     * @param kind CGI (mod_fcgid + mod_actions) or FPM (pool socket, selected with {@code SetHandler proxy:unix:…})
     * @param memoryLimit this handler's {@code memory_limit}, distinct per handler to prove which php.ini was used
     */
    public record Handler(String name, String version, Kind kind, String memoryLimit) {
        private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
        private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+");
        private static final Pattern MEMORY = Pattern.compile("\\d+[KMG]");

        public Handler {
            require(NAME, name, "handler name");
            require(VERSION, version, "version");
            require(MEMORY, memoryLimit, "memory limit");
            if (kind == null) {
                throw new IllegalArgumentException("kind is required");
            }
        }

        /** A CGI handler with memory_limit derived from the version ("7.4" → "74M"). */
        public static Handler cgi(String name, String version) {
            return new Handler(name, version, Kind.CGI, version.replace(".", "") + "M");
        }

        /** An FPM pool with memory_limit derived from the version ("7.4" → "74M"). */
        public static Handler fpm(String name, String version) {
            return new Handler(name, version, Kind.FPM, version.replace(".", "") + "M");
        }

        /** php56-cgi, php74-cgi, php82-cgi (the default), php74-fpm, php82-fpm. */
        public static List<Handler> standardSet() {
            return List.of(
                    cgi("php56-cgi", "5.6"),
                    cgi("php74-cgi", "7.4"),
                    cgi("php82-cgi", "8.2"),
                    fpm("php74-fpm", "7.4"),
                    fpm("php82-fpm", "8.2"));
        }
    }

    /** An HTTP response as seen by a test. */
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }

    /** One virtual host: a docroot inside the webspace, served on its own port. */
    record Site(Path docroot, int port) {}

    private final Path runDir;
    private final Path webspace;
    private final List<Site> sites;
    private final List<Handler> handlers;
    private final Handler defaultHandler;
    private final Map<String, Path> fpmSockets;
    private final boolean dropPrivileges;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Thread shutdownHook = new Thread(this::stopQuietly, "apache-fixture-stop");
    private Process apache;
    private Process fpm;

    private ApacheFixture(Builder builder, List<Site> sites, Handler defaultHandler) {
        this.runDir = builder.runDir;
        this.webspace = builder.webspace;
        this.sites = List.copyOf(sites);
        this.handlers = List.copyOf(builder.handlers);
        this.defaultHandler = defaultHandler;
        this.fpmSockets = socketsOf(runDir, handlers);
        this.dropPrivileges = runningAsRoot();
    }

    // ---------------------------------------------------------------- API

    /** Starts with the standard handler set and one docroot, {@code <webspace>/public_html}. */
    public static ApacheFixture start(Path runDir, Path webspace) throws IOException {
        return builder(runDir, webspace).start();
    }

    /** @param runDir empty or missing directory for config, logs, pid files and sockets */
    public static Builder builder(Path runDir, Path webspace) {
        return new Builder(runDir, webspace);
    }

    /** Configures and starts an {@link ApacheFixture}. */
    public static final class Builder {
        private final Path runDir;
        private final Path webspace;
        private final List<Path> docroots = new ArrayList<>();
        private List<Handler> handlers = Handler.standardSet();
        private String defaultHandler = "php82-cgi";

        private Builder(Path runDir, Path webspace) {
            this.runDir = runDir.toAbsolutePath().normalize();
            this.webspace = webspace.toAbsolutePath().normalize();
        }

        /** Adds a vhost (own port) for a docroot inside the webspace; relative paths are resolved against it. */
        public Builder docroot(Path docroot) {
            docroots.add(webspace.resolve(docroot).normalize());
            return this;
        }

        public Builder handlers(List<Handler> handlers) {
            this.handlers = List.copyOf(handlers);
            return this;
        }

        /** The account default handler ({@code AddHandler <name> .php} on each vhost); must be a CGI handler. */
        public Builder defaultHandler(String name) {
            this.defaultHandler = name;
            return this;
        }

        public ApacheFixture start() throws IOException {
            List<Path> roots = docroots.isEmpty() ? List.of(webspace.resolve(DEFAULT_DOCROOT)) : docroots;
            validate(roots);
            List<Site> sites = new ArrayList<>();
            for (Path root : roots) {
                sites.add(new Site(root, freePort()));
            }
            ApacheFixture fixture = new ApacheFixture(this, sites, cgiHandler(defaultHandler));
            fixture.launch();
            return fixture;
        }

        private void validate(List<Path> roots) {
            requireSafePath(runDir);
            requireSafePath(webspace);
            for (Path root : roots) {
                requireSafePath(root);
                if (!root.startsWith(webspace) || root.equals(webspace)) {
                    throw new IllegalArgumentException("docroot must lie inside the webspace: " + root);
                }
            }
            if (handlers.stream().map(Handler::name).distinct().count() != handlers.size()) {
                throw new IllegalArgumentException("duplicate handler names: " + handlers);
            }
        }

        private Handler cgiHandler(String name) {
            return handlers.stream()
                    .filter(h -> h.name().equals(name) && h.kind() == Kind.CGI)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("default handler must be a CGI handler: " + name));
        }
    }

    /** True when apache2, mod_fcgid (and the other modules), php-cgi8.2 and php-fpm8.2 are installed. */
    public static boolean available() {
        return missingComponents().isEmpty();
    }

    /** What {@link #available()} found missing; empty when everything is there. */
    public static List<String> missingComponents() {
        List<String> missing = new ArrayList<>();
        Stream.of(APACHE, Path.of(ApacheFixtureConfig.PHP_CGI), PHP_FPM)
                .filter(p -> !Files.isExecutable(p))
                .forEach(p -> missing.add(p.toString()));
        ApacheFixtureConfig.MODULES.values().stream()
                .map(ApacheFixtureConfig.MODULE_DIR::resolve)
                .filter(p -> !Files.isRegularFile(p))
                .forEach(p -> missing.add(p.toString()));
        if (runningAsRoot() && !Files.isExecutable(SETPRIV)) {
            missing.add(SETPRIV.toString());
        }
        return missing;
    }

    /**
     * Skips the calling test when the fixture is not {@link #available()}, but fails it when the environment
     * variable {@code CI} is {@code true}, so that CI cannot pass without running these tests.
     */
    public static void assumeAvailable() {
        FixtureSupport.assumeComplete("Apache/PHP", missingComponents());
    }

    public Path runDir() {
        return runDir;
    }

    public Path webspace() {
        return webspace;
    }

    /** The first (or only) docroot. */
    public Path docroot() {
        return sites.get(0).docroot();
    }

    public List<Path> docroots() {
        return sites.stream().map(Site::docroot).toList();
    }

    /** Port of the first docroot's vhost. */
    public int port() {
        return sites.get(0).port();
    }

    /** {@code http://127.0.0.1:<port>} of the first docroot, without trailing slash. */
    public URI baseUrl() {
        return baseUrl(docroot());
    }

    public URI baseUrl(Path docroot) {
        Path root = webspace.resolve(docroot).normalize();
        return sites.stream()
                .filter(site -> site.docroot().equals(root))
                .findFirst()
                .map(site -> URI.create("http://127.0.0.1:" + site.port()))
                .orElseThrow(() -> new IllegalArgumentException("not a docroot of this fixture: " + docroot));
    }

    public List<Handler> handlers() {
        return handlers;
    }

    public Handler handler(String name) {
        return handlers.stream()
                .filter(h -> h.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown handler: " + name));
    }

    public Handler defaultHandler() {
        return defaultHandler;
    }

    /** Unix socket of an FPM handler, e.g. {@code <runDir>/run/fpm-php74.sock} for {@code php74-fpm}. */
    public Path fpmSocket(String handlerName) {
        Path socket = fpmSockets.get(handlerName);
        if (socket == null) {
            throw new IllegalArgumentException("not an FPM handler: " + handlerName);
        }
        return socket;
    }

    /** The {@code SetHandler} value selecting an FPM handler: {@code proxy:unix:<socket>|fcgi://localhost}. */
    public String fpmSetHandler(String handlerName) {
        return "proxy:unix:" + fpmSocket(handlerName) + "|fcgi://localhost";
    }

    public Path errorLog() {
        return runDir.resolve("logs/error.log");
    }

    /** GET on the first docroot's vhost; {@code path} starts with {@code /}. */
    public Response get(String path) {
        return get(docroot(), path);
    }

    public Response get(Path docroot, String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(docroot) + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + request.uri(), e);
        }
    }

    /**
     * Stops Apache (SIGTERM to the master, whose PID is in the PidFile) and php-fpm (SIGTERM to its master),
     * waits for them and for the processes they had started, and kills only those if they linger.
     */
    public synchronized void stop() {
        removeShutdownHook(shutdownHook);
        List<String> lingering = new ArrayList<>();
        terminate(apache, "apache2", lingering);
        terminate(fpm, "php-fpm", lingering);
        apache = null;
        fpm = null;
        if (!lingering.isEmpty()) {
            throw new IllegalStateException("had to kill processes that did not stop: " + lingering);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops only php-fpm (its sockets go with it), as when the pool service is stopped; Apache keeps running. */
    public synchronized void stopFpm() {
        List<String> lingering = new ArrayList<>();
        terminate(fpm, "php-fpm", lingering);
        fpm = null;
        if (!lingering.isEmpty()) {
            throw new IllegalStateException("had to kill processes that did not stop: " + lingering);
        }
    }

    // ---------------------------------------------------------------- start

    private void launch() throws IOException {
        prepareDirectories();
        writeFiles();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            if (!fpmSockets.isEmpty()) {
                fpm = startProcess(List.of(PHP_FPM.toString(),
                        "-y", conf("php-fpm.conf").toString(),
                        "-c", conf("php-fpm.ini").toString(),
                        "-F"), "php-fpm.out");
            }
            apache = startProcess(List.of(APACHE.toString(),
                    "-f", conf("httpd.conf").toString(),
                    "-DFOREGROUND"), "apache2.out");
            awaitReady();
        } catch (RuntimeException | IOException e) {
            stopQuietly();
            throw e;
        }
    }

    private void prepareDirectories() throws IOException {
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> entries = Files.list(runDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("run directory must be empty: " + runDir);
                }
            }
        }
        for (String dir : List.of("conf", "php", "handlers", "logs", "run", "run/fcgid")) {
            createDirectory(runDir.resolve(dir));
        }
        for (Site site : sites) {
            Files.createDirectories(site.docroot());
        }
        if (dropPrivileges) {
            grantTraversal(runDir, WORKER_USER);
            for (Site site : sites) {
                grantTraversal(site.docroot(), WORKER_USER);
            }
            for (String dir : List.of("logs", "run", "run/fcgid")) {
                chownToWorker(runDir.resolve(dir));
            }
        }
    }

    private void writeFiles() throws IOException {
        write(conf("httpd.conf"), ApacheFixtureConfig.httpdConf(runDir, webspace, sites, handlers, defaultHandler));
        write(conf("mime.types"), ApacheFixtureConfig.MIME_TYPES);
        write(conf("hostd-php.conf"), ApacheFixtureConfig.handlersConf(runDir, handlers));
        for (Handler handler : handlers) {
            if (handler.kind() == Kind.CGI) {
                writeCgiHandler(handler);
            }
        }
        List<Handler> fpmHandlers = handlers.stream().filter(h -> h.kind() == Kind.FPM).toList();
        if (!fpmHandlers.isEmpty()) {
            write(conf("php-fpm.conf"), ApacheFixtureConfig.fpmConf(runDir, fpmHandlers, fpmSockets,
                    dropPrivileges ? WORKER_USER : System.getProperty("user.name"),
                    dropPrivileges ? WORKER_GROUP : Files.readAttributes(runDir, PosixFileAttributes.class).group()
                            .getName()));
            write(conf("php-fpm.ini"), ApacheFixtureConfig.FPM_PHP_INI);
        }
    }

    private void writeCgiHandler(Handler handler) throws IOException {
        Path iniDir = createDirectory(runDir.resolve("php").resolve(handler.name()));
        write(iniDir.resolve("php.ini"), ApacheFixtureConfig.cgiPhpIni(runDir, handler));
        Path wrapper = runDir.resolve("handlers").resolve(handler.name() + ".fcgi");
        write(wrapper, ApacheFixtureConfig.cgiWrapper(runDir, handler));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process startProcess(List<String> command, String outputFile) throws IOException {
        List<String> argv = new ArrayList<>();
        if (dropPrivileges) {
            argv.addAll(List.of(SETPRIV.toString(),
                    "--reuid", WORKER_USER, "--regid", WORKER_GROUP, "--init-groups"));
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(runDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("logs").resolve(outputFile).toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C");
        env.put("PHP_INI_SCAN_DIR", "");
        return builder.start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (Path socket : fpmSockets.values()) {
            waitUntil(deadline, () -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "FPM socket " + socket);
        }
        for (Site site : sites) {
            waitUntil(deadline, () -> accepts(site.port()), "Apache on 127.0.0.1:" + site.port());
        }
        Path pidFile = runDir.resolve("run/apache2.pid");
        waitUntil(deadline, () -> readPid(pidFile).isPresent(), "Apache PidFile " + pidFile);
        if (readPid(pidFile).orElseThrow() != apache.pid()) {
            throw failure("PidFile " + pidFile + " does not name the started master " + apache.pid());
        }
    }

    private void waitUntil(long deadline, BooleanSupplier ready, String what) {
        while (!ready.getAsBoolean()) {
            requireRunning(apache, "apache2");
            requireRunning(fpm, "php-fpm");
            if (System.nanoTime() > deadline) {
                throw failure(what + " not ready within " + READY_TIMEOUT.toSeconds() + " s");
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private void requireRunning(Process process, String name) {
        if (process != null && !process.isAlive()) {
            throw failure(name + " exited with status " + process.exitValue());
        }
    }

    private IllegalStateException failure(String message) {
        StringBuilder text = new StringBuilder(message);
        for (String log : List.of("error.log", "apache2.out", "php-fpm.log", "php-fpm.out")) {
            text.append(tail(runDir.resolve("logs").resolve(log)));
        }
        return new IllegalStateException(text.toString());
    }

    // ---------------------------------------------------------------- stop

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            // the start failure is the interesting error
        }
    }

    /** SIGTERM to the master, then waits for it and for every process it had started. */
    private static void terminate(Process master, String name, List<String> lingering) {
        if (master == null) {
            return;
        }
        List<ProcessHandle> started = master.descendants().toList();
        master.destroy();
        if (!awaitExit(master.toHandle(), STOP_TIMEOUT)) {
            master.destroyForcibly();
            awaitExit(master.toHandle(), STOP_TIMEOUT);
            lingering.add(name + " " + master.pid());
        }
        for (ProcessHandle process : started) {
            if (!awaitExit(process, Duration.ofSeconds(2))) {
                process.destroyForcibly();
                lingering.add(name + " child " + process.pid());
            }
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    // ---------------------------------------------------------------- helpers

    private Path conf(String name) {
        return runDir.resolve("conf").resolve(name);
    }

    private static Map<String, Path> socketsOf(Path runDir, List<Handler> handlers) {
        Map<String, Path> sockets = new LinkedHashMap<>();
        for (Handler handler : handlers) {
            if (handler.kind() == Kind.FPM) {
                String base = handler.name().replaceFirst("-fpm$", "");
                Path socket = runDir.resolve("run").resolve("fpm-" + base + ".sock");
                if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                    throw new IllegalArgumentException("socket path too long for a unix socket: " + socket);
                }
                sockets.put(handler.name(), socket);
            }
        }
        return sockets;
    }





    /**
     * Lets the unprivileged workers reach {@code dir}: adds search permission for others on it and its
     * ancestors. Only directories under the temporary directory are changed; elsewhere this fails instead.
     */
    private static void chownToWorker(Path dir) throws IOException {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(WORKER_GROUP);
        view.setOwner(lookup.lookupPrincipalByName(WORKER_USER));
        view.setGroup(group);
    }

    /** Writes a file readable by the workers whatever the umask. */
    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static Path createDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }


    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apache", e);
        }
    }

    private static void require(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": " + value);
        }
    }

    private static void requireSafePath(Path path) {
        if (!SAFE_PATH.matcher(path.toString()).matches()) {
            throw new IllegalArgumentException("path must match " + SAFE_PATH + " (it is written into configs): "
                    + path);
        }
    }
}
