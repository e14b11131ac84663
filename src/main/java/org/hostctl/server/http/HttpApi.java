package org.hostctl.server.http;

import com.fasterxml.jackson.core.JacksonException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.hostctl.server.service.AccountService;
import org.hostctl.server.service.AliasService;
import org.hostctl.server.service.AutoreplyService;
import org.hostctl.server.service.MailLogService;
import org.hostctl.server.service.MailboxService;
import org.hostctl.server.service.PhpService;
import org.hostctl.server.service.Principal;
import org.hostctl.server.service.ServiceException;
import org.hostctl.server.service.SieveService;
import org.hostctl.server.service.StatusService;
import org.hostctl.server.sieve.SieveUnavailableException;
import org.hostctl.server.service.TokenService;
import org.hostctl.server.service.UnixUserService;
import org.hostctl.server.socket.LocalSocket;
import org.hostctl.server.socket.PeerCredentials;
import org.hostctl.server.store.StoreException;
import org.hostctl.server.config.HostdConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hostd's HTTP layer: the route table on Javalin, bearer-token checks on TCP, peer credentials on the local socket,
 * and the one problem mapper.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final long MAX_BODY = 1 << 20;

    private final List<Route> routes;
    private final TokenService tokens;
    private final UnixUserService unixUsers;
    private final StatusService status;
    private Javalin app;
    private LocalSocket socket;

    /** The services the API calls. */
    public record Services(TokenService tokens, UnixUserService unixUsers, AccountService accounts, PhpService php,
            MailboxService mailboxes, AliasService aliases, AutoreplyService autoreplies, SieveService sieve,
            MailLogService mailLog, StatusService status) {}

    public HttpApi(Services s) {
        this.tokens = s.tokens();
        this.unixUsers = s.unixUsers();
        this.status = s.status();
        this.routes = Routes.table(new MeHandler(s.accounts()), new PhpHandler(s.php()),
                new MailHandler(s.mailboxes(), s.aliases(), s.autoreplies()), new SieveHandler(s.sieve()),
                new MailLogHandler(s.mailLog()), new StatusHandler(s.status()), new OpenApiHandler());
    }

    /** The route table, for tests that hold it to the OpenAPI document. */
    public List<Route> routes() {
        return routes;
    }

    /** Starts listening on {@code host:port} with the default limits; port 0 picks a free one. */
    public void start(String host, int port) {
        start(host, port, null, new HostdConfig.Http(null, null, null, null, null, null));
    }

    /**
     * Starts listening on {@code host:port} (port 0 picks a free one) with the given limits and, when {@code socket}
     * is not null, on the local socket, where the caller is the Unix user the kernel reports.
     */
    public void start(String host, int port, LocalSocket socket, HostdConfig.Http limits) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_BODY;
            config.http.prefer405over404 = false;
            // the TCP connector first: Javalin reports the port of the first connector
            config.jetty.addConnector((server, http) -> tcp(server, http, host, port, limits));
            if (socket != null) {
                config.jetty.addConnector((server, http) -> bounded(socket.connector(server, http), limits));
            }
            if (limits.limits()) {
                QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()),
                        60_000);
                pool.setName("hostd-http");
                config.jetty.threadPool = pool;
                config.jetty.modifyServer(server -> server.addBean(new NetworkConnectionLimit(limits.maxConnections(),
                        server)));
            }
            config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblemHandler()));
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new FilterHolder(new MethodOverrideFilter()), "/*", EnumSet.of(DispatcherType.REQUEST)));
            config.requestLogger.http((ctx, ms) -> LOG.info("{} {} {} {}ms", ctx.method(), ctx.path(),
                    ctx.status().getCode(), Math.round(ms)));
            for (Route r : routes) {
                config.routes.addHttpHandler(io.javalin.http.HandlerType.findOrCreate(r.method()), r.path(), guarded(r));
            }
            config.routes.exception(ServiceException.class, ProblemMapper::service);
            config.routes.exception(SieveUnavailableException.class, (e, ctx) -> ProblemMapper.sieveUnavailable(e,
                    ctx, status == null ? null : status.downSince(e.backend(), "managesieve").orElse(null)));
            config.routes.exception(HttpResponseException.class, this::httpError);
            config.routes.exception(JacksonException.class, ProblemMapper::badJson);
            config.routes.exception(StoreException.class, ProblemMapper::store);
            config.routes.exception(Exception.class, ProblemMapper::unexpected);
        });
        app.start();
        if (socket != null) {
            this.socket = socket;
            socket.open();
        }
    }

    /**
     * The TCP connector. With limits (see {@link HostdConfig.Http}) hostd bounds what connections may cost: a fixed
     * pool of request threads and a connection limit (when reached, hostd stops accepting: new connections wait in
     * the accept queue until others close), one acceptor and one selector thread, a kernel accept queue long enough
     * for a burst of new connections, and the timeouts of {@link #bounded}. An idle or slow connection holds no thread
     * (Jetty reads request heads without blocking), so a fresh request finds a free thread.
     */
    private static ServerConnector tcp(Server server, HttpConfiguration http, String host, int port,
            HostdConfig.Http limits) {
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        ServerConnector c = limits.limits() ? new ServerConnector(server, 1, 1, h1) : new ServerConnector(server, h1);
        c.setHost(host);
        c.setPort(port);
        if (limits.limits()) {
            c.setAcceptQueueSize(limits.acceptQueue());
        }
        return bounded(c, limits);
    }

    /** The idle and header timeouts on a connector, TCP or the local socket, when limits are on. */
    private static <C extends AbstractConnector> C bounded(C c, HostdConfig.Http limits) {
        if (limits.limits()) {
            c.setIdleTimeout(limits.idleTimeoutSeconds() * 1000L);
            c.addBean(new HeaderTimeout(java.time.Duration.ofSeconds(limits.headerTimeoutSeconds())));
        }
        return c;
    }

    public int port() {
        return app.port();
    }

    /** The local socket, or null when hostd serves none. */
    public java.nio.file.Path socket() {
        return socket == null ? null : socket.path();
    }

    public void stop() {
        if (app != null) {
            app.stop();
        }
        if (socket != null) {
            socket.remove();
        }
    }

    private void httpError(HttpResponseException e, Context ctx) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            if (ctx.path().matches(r.path().replaceAll("\\{[^/]+}", "[^/]+"))) {
                allowed.add(r.method());
            }
        }
        if (e.getStatus() == 404 && !allowed.isEmpty()) {
            ctx.header("Allow", String.join(", ", allowed));
            ProblemMapper.write(ctx, 405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + String.join(", ", allowed),
                    null);
            return;
        }
        if (e.getStatus() == 404) {
            ProblemMapper.write(ctx, 404, "not-found", "Not found", "no such API path: " + ctx.path(), null);
            return;
        }
        ProblemMapper.http(e, ctx);
    }

    private Handler guarded(Route route) {
        return ctx -> {
            // Javalin routes by Context.method(), which a header may override (MethodOverrideFilter refuses it);
            // a handler runs only for the method on the request line.
            String sent = ctx.req().getMethod();
            if (!sent.equals(route.method()) && !(sent.equals("HEAD") && route.method().equals("GET"))) {
                ProblemMapper.write(ctx, 400, "method-override", "Bad request", route.method() + " " + route.path()
                        + " was asked for by a " + sent + " request; send the method itself", null);
                return;
            }
            if (route.access() == Route.Access.PUBLIC) {
                route.handler().handle(ctx);
                return;
            }
            Optional<String> unixUser = PeerCredentials.unixUser(ctx.req());
            // on the local socket the kernel says who calls; the Authorization header is not even looked at
            Principal p = unixUser.isPresent() ? unixUsers.authenticate(unixUser.get()) : authenticate(ctx);
            if (route.access() == Route.Access.WRITE && p.readOnly() && p.unixUser() != null) {
                throw new ServiceException(ServiceException.Kind.FORBIDDEN, "read-only-socket",
                        "Unix user " + p.unixUser() + " has read-only access to account " + p.account() + "; "
                                + route.method() + " " + route.path() + " needs read-write access");
            }
            if (route.access() == Route.Access.WRITE && p.readOnly()) {
                throw new ServiceException(ServiceException.Kind.FORBIDDEN, "read-only-token",
                        "this token is read-only; " + route.method() + " " + route.path() + " needs a read-write token");
            }
            ctx.attribute(Responses.PRINCIPAL, p);
            route.handler().handle(ctx);
        };
    }

    private Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "no token: send Authorization: Bearer"
                    + " <token>");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "the Authorization header must be"
                    + " Bearer <token>");
        }
        Optional<Principal> p = tokens.authenticate(parts[1]);
        if (p.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, "the token is not valid (expired, revoked,"
                    + " mistyped or for another server)");
        }
        return p.get();
    }
}
