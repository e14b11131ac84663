package org.hostctl.server.php;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.api.PhpVersion;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.config.HostdConfig.Handler;
import org.hostctl.server.config.HostdConfig.Release;

/** The PHP versions this server offers, their handlers and their support dates. */
public final class PhpCatalog {
    /** Type of a handler selected with {@code AddHandler NAME .php}. */
    public static final String CGI = "cgi";
    /** Type of a handler selected with {@code SetHandler "proxy:unix:SOCKET|fcgi://localhost"}. */
    public static final String FPM = "fpm";
    /** Type of a version run by no web server ({@code AddHandler NAME .php}), for trying hostctl without PHP. */
    public static final String DEMO = "demo";

    /** State of a version whose handler's program or socket is there. */
    public static final String INSTALLED = "installed";
    /** State of a version whose handler's program or socket is missing: {@code php set} refuses it. */
    public static final String MISSING = "missing";
    /** State of a version the provider marked {@code available: false}: {@code php set} refuses it. */
    public static final String UNAVAILABLE = "unavailable";

    private static final Pattern VERSION_ID = Pattern.compile("[0-9][0-9A-Za-z._-]{0,31}");
    private static final Pattern BRANCH = Pattern.compile("^(\\d+\\.\\d+)");
    private static final Pattern HANDLER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern SOCKET = Pattern.compile("/[A-Za-z0-9._/{}-]{1,200}");

    /** One offered version with what selects it. */
    public record Entry(String version, String branch, String type, String handler, String socket, String marker,
            String binary, boolean available) {
        /** The handler value as it appears in {@code .htaccess} for {@code account}. */
        public String handlerFor(String account) {
            return FPM.equals(type) ? "proxy:unix:" + socketFor(account) + "|fcgi://localhost" : handler;
        }

        /** The FPM socket of {@code account}. */
        public String socketFor(String account) {
            return socket.replace("{account}", account);
        }

        /** The value of {@code HOSTD_PHP_HANDLER} this handler is expected to pass to PHP, if known. */
        public String expectedMarker() {
            return marker != null ? marker : CGI.equals(type) ? handler : null;
        }
    }

    private final Map<String, Entry> byVersion = new LinkedHashMap<>();
    private final String defaultVersion;
    private final PhpReleases releases;
    private final Clock clock;

    public PhpCatalog(HostdConfig.Php php, Clock clock) {
        this.clock = clock;
        this.releases = new PhpReleases(php.releases());
        for (Handler h : php.versions()) {
            Entry e = validate(h);
            if (byVersion.putIfAbsent(e.version(), e) != null) {
                throw new IllegalArgumentException("php.versions: version " + e.version() + " is listed twice");
            }
        }
        String def = php.defaultVersion();
        if (def == null && !byVersion.isEmpty()) {
            def = byVersion.keySet().iterator().next();
        }
        if (def != null && !byVersion.containsKey(def)) {
            throw new IllegalArgumentException("php.default: " + def + " is not one of php.versions");
        }
        this.defaultVersion = def;
    }

    /** The server-wide default version, null when no version is configured. */
    public String defaultVersion() {
        return defaultVersion;
    }

    public Optional<Entry> version(String version) {
        return Optional.ofNullable(version == null ? null : byVersion.get(version));
    }

    public List<Entry> entries() {
        return List.copyOf(byVersion.values());
    }

    /** The offered version that a handler value found in a {@code .htaccess} of {@code account} selects. */
    public Optional<Entry> byHandler(String account, String handlerValue) {
        String value = normalize(handlerValue);
        for (Entry e : byVersion.values()) {
            if (normalize(e.handlerFor(account)).equalsIgnoreCase(value)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public LocalDate today() {
        return LocalDate.now(clock);
    }

    public boolean endOfLife(Entry e) {
        return releases.endOfLife(e.branch(), today());
    }

    public Optional<Release> release(Entry e) {
        return releases.branch(e.branch());
    }

    /** The wire form of an entry, with {@code accountDefault} marking the default. */
    public PhpVersion describe(Entry e, String account, String accountDefault) {
        Optional<Release> r = release(e);
        return new PhpVersion(e.version(), e.branch(), e.handlerFor(account), e.type(),
                e.version().equals(accountDefault),
                r.map(Release::released).orElse(null), r.map(Release::activeSupportUntil).orElse(null),
                r.map(Release::securitySupportUntil).orElse(null), r.map(Release::finalRelease).orElse(null),
                endOfLife(e), state(e, account));
    }

    public List<PhpVersion> describeAll(String account, String accountDefault) {
        List<PhpVersion> out = new ArrayList<>();
        for (Entry e : byVersion.values()) {
            out.add(describe(e, account, accountDefault));
        }
        return out;
    }

    /**
     * {@link #INSTALLED}, {@link #MISSING}, {@link #UNAVAILABLE} or {@link #DEMO}: whether the program a CGI
     * handler runs, or the socket of the FPM pool of {@code account}, is there now.
     */
    public static String state(Entry e, String account) {
        if (!e.available()) {
            return UNAVAILABLE;
        }
        if (DEMO.equals(e.type())) {
            return DEMO;
        }
        return missing(e, account).isPresent() ? MISSING : INSTALLED;
    }

    /**
     * What is missing for {@code e} to run, in words; empty when its program or socket is there. With a null
     * {@code account} a per-account FPM socket counts as there when its directory is.
     */
    public static Optional<String> missing(Entry e, String account) {
        if (CGI.equals(e.type())) {
            if (e.binary() == null) {
                return Optional.of("no binary is configured for handler " + e.handler());
            }
            return Files.isExecutable(Path.of(e.binary())) ? Optional.empty()
                    : Optional.of("the program " + e.binary() + " of handler " + e.handler() + " is missing");
        }
        if (FPM.equals(e.type())) {
            if (account == null && e.socket().contains("{account}")) {
                Path dir = Path.of(e.socket()).getParent();
                return Files.isDirectory(dir) ? Optional.empty()
                        : Optional.of("the directory " + dir + " of the php-fpm sockets is missing");
            }
            Path socket = Path.of(e.socketFor(account == null ? "" : account));
            return isSocket(socket) ? Optional.empty()
                    : Optional.of("the php-fpm socket " + socket + " is missing (is the pool running?)");
        }
        return Optional.empty();
    }

    /**
     * Refuses a catalogue whose available versions cannot run, naming the first such entry: {@code hostd serve}
     * does not offer what the host does not have.
     *
     * @throws IllegalArgumentException naming the entry, what is missing and the fix
     */
    public void requireInstalled() {
        for (Entry e : byVersion.values()) {
            if (!e.available()) {
                continue;
            }
            Optional<String> missing = missing(e, null);
            if (missing.isPresent()) {
                throw new IllegalArgumentException("php.versions: version " + e.version() + ": " + missing.get()
                        + "; install it, correct the entry, or mark it 'available: false'");
            }
        }
    }

    /** Whether {@code p} is a Unix socket. */
    public static boolean isSocket(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private static String normalize(String handlerValue) {
        String v = handlerValue.trim();
        // "fcgi://localhost/" and "fcgi://localhost" address the same FPM pool
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    private static Entry validate(Handler h) {
        String v = h.version();
        if (v == null || !VERSION_ID.matcher(v).matches()) {
            throw new IllegalArgumentException("php.versions: invalid version id '" + v + "'");
        }
        String branch = h.branch();
        if (branch == null) {
            Matcher m = BRANCH.matcher(v);
            if (!m.find()) {
                throw new IllegalArgumentException("php.versions: give a branch for version " + v);
            }
            branch = m.group(1);
        }
        String type = h.type() == null ? CGI : h.type();
        switch (type) {
            case CGI, DEMO -> {
                if (h.handler() == null || !HANDLER_NAME.matcher(h.handler()).matches()) {
                    throw new IllegalArgumentException("php.versions: version " + v + " needs a handler name");
                }
            }
            case FPM -> {
                if (h.socket() == null || !SOCKET.matcher(h.socket()).matches()) {
                    throw new IllegalArgumentException("php.versions: version " + v + " needs an absolute socket path");
                }
            }
            default -> throw new IllegalArgumentException("php.versions: type of " + v
                    + " must be cgi, fpm or demo");
        }
        if (h.binary() != null && !h.binary().startsWith("/")) {
            throw new IllegalArgumentException("php.versions: binary of " + v + " must be an absolute path");
        }
        return new Entry(v, branch, type, h.handler(), h.socket(), h.marker(), h.binary(), h.available());
    }
}
