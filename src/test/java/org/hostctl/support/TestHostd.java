package org.hostctl.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.hostctl.api.Docroot;
import java.util.function.Function;
import org.hostctl.server.Hostd;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.sieve.SieveBackend;
import org.hostctl.server.http.HttpApi;

/** A real hostd on a free 127.0.0.1 port with a temporary data directory. */
public final class TestHostd implements AutoCloseable {
    private final Hostd hostd;
    private final HttpApi http;
    private final Path dataDir;

    private TestHostd(Path dataDir, Hostd hostd) {
        this(dataDir, hostd, null);
    }

    private TestHostd(Path dataDir, Hostd hostd, Path socket) {
        this.dataDir = dataDir;
        this.hostd = hostd;
        this.http = hostd.serve("127.0.0.1", 0, socket, List.of());
    }

    /** Like {@link #start(Path, String, Clock)}, also serving the local socket {@code socket}. */
    public static TestHostd startWithSocket(Path dataDir, String configYaml, Clock clock, Path socket)
            throws IOException {
        dataDir(dataDir);
        if (configYaml != null) {
            Files.writeString(dataDir.resolve("hostd.yaml"), configYaml);
        }
        return new TestHostd(dataDir, Hostd.open(dataDir, clock), socket);
    }

    /** The local socket, or null when this hostd serves none. */
    public Path socket() {
        return http.socket();
    }

    /** Like {@link #start(Path, String, Clock)}, with a Postfix log correlator. */
    public static TestHostd startWithCorrelator(Path dataDir, String configYaml, Clock clock,
            java.util.function.Function<org.hostctl.server.maillog.MailLogSink,
                    org.hostctl.server.maillog.LogCorrelator> correlators) throws IOException {
        return start(dataDir, configYaml, clock, Hostd.Plugins.defaults().withCorrelators(correlators));
    }

    /** Starts hostd on {@code dataDir}, writing {@code configYaml} as hostd.yaml first when it is not null. */
    public static TestHostd start(Path dataDir, String configYaml, Clock clock) throws IOException {
        dataDir(dataDir);
        if (configYaml != null) {
            Files.writeString(dataDir.resolve("hostd.yaml"), configYaml);
        }
        return new TestHostd(dataDir, Hostd.open(dataDir, clock));
    }

    /** Like {@link #start(Path, String, Clock)}, with stand-ins for the configured ManageSieve backends. */
    public static TestHostd startWithManageSieve(Path dataDir, String configYaml, Clock clock,
            Function<HostdConfig.SieveBackendConfig, SieveBackend> manageSieve) throws IOException {
        return start(dataDir, configYaml, clock, Hostd.Plugins.defaults().withManageSieve(manageSieve));
    }

    /** Like {@link #start(Path, String, Clock)}, with the given plug-ins. */
    public static TestHostd start(Path dataDir, String configYaml, Clock clock, Hostd.Plugins plugins)
            throws IOException {
        dataDir(dataDir);
        if (configYaml != null) {
            Files.writeString(dataDir.resolve("hostd.yaml"), configYaml);
        }
        return new TestHostd(dataDir, Hostd.open(dataDir, clock, plugins));
    }

    /**
     * Creates a data directory as hostd would (no access for other users; hostd refuses a store others can read),
     * or leaves an existing one as it is, and returns it.
     */
    public static Path dataDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            Files.setAttribute(dir, "unix:mode", 0770);
        }
        return dir;
    }

    public String url() {
        return "http://127.0.0.1:" + http.port();
    }

    public Hostd hostd() {
        return hostd;
    }

    public HttpApi http() {
        return http;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Adds an account whose webspace is {@code webspace}, with the given document roots. */
    public void addAccount(String name, Path webspace, List<Docroot> docroots) {
        hostd.accounts().add(name, webspace, docroots, null);
    }

    /** Issues a token and returns its secret. */
    public String token(String account, boolean readOnly) {
        return hostd.tokens().issue(account, readOnly, "test").secret();
    }

    @Override
    public void close() {
        hostd.close();
    }
}
