package org.hostctl.server.admin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hostctl.server.Hostd;
import org.hostctl.server.http.HttpApi;
import org.hostctl.server.php.PhpCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd serve}. */
@Command(name = "serve", sortOptions = false,
        description = "Run the API. Creates the data directory with a commented hostd.yaml on first start.",
        footer = {"", "Prints 'hostd listening on URL' on stdout once it accepts requests, then 'hostd serving"
            + " the local socket unix:PATH'; stops on SIGTERM.", "",
            "Refuses to start when a PHP version of hostd.yaml names a php-cgi program or php-fpm socket the host"
            + " lacks (mark a withdrawn one 'available: false').", "",
            "On the local socket the caller is the Unix user the kernel reports, mapped to an account with"
            + " 'hostd account add|update NAME --unix-user USER'; no token is needed and none is used. Its directory"
            + " is created 0755 and must not be writable by group or others; the socket is 0666.", "",
            "Examples:", "  hostd serve --data /var/lib/hostd",
            "  hostd serve --data /var/lib/hostd --socket /run/hostd/api.sock",
            "  hostd serve --data /var/lib/hostd --maillog /var/log/postfix.log",
            "  hostd serve --data /tmp/hostd --listen 127.0.0.1:0     # a free port"})
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Address to listen on (default: listen in hostd.yaml, 127.0.0.1:8640). Port 0 picks one.")
    String listen;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The local socket (default: socket in hostd.yaml, else run/api.sock in the data"
                    + " directory); 'off' for none.")
    String socket;

    @Option(names = "--maillog", paramLabel = "PATH",
            description = "A Postfix log file to follow for the send log, besides maillog.files in hostd.yaml."
                    + " Repeatable.")
    List<Path> maillogs = new ArrayList<>();

    @Override
    public Integer call() {
        Hostd hostd = root.open();
        try {
            // offer no version whose handler the host lacks: Apache would serve the PHP source of its directories
            new PhpCatalog(hostd.config().php(), java.time.Clock.systemUTC()).requireInstalled();
        } catch (RuntimeException e) {
            hostd.close();
            throw e;
        }
        String address = listen != null ? listen : hostd.config().listen();
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            hostd.close();
            throw new IllegalArgumentException("--listen must be HOST:PORT, e.g. 127.0.0.1:8640");
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            hostd.close();
            throw new IllegalArgumentException("--listen port must be a number: " + address);
        }
        HttpApi api;
        try {
            Path socketPath = socket == null ? hostd.socketPath()
                    : org.hostctl.server.config.HostdConfig.SOCKET_OFF.equals(socket) ? null
                    : Path.of(socket).toAbsolutePath();
            api = hostd.serve(host, port, socketPath, maillogs.stream().map(p -> p.toAbsolutePath()).toList());
        } catch (RuntimeException e) {
            hostd.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(hostd::close, "hostd-shutdown"));
        HostdCommand.markServing();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        spec.commandLine().getOut().println("hostd listening on http://" + shown + ":" + api.port());
        if (api.socket() != null) {
            spec.commandLine().getOut().println("hostd serving the local socket unix:" + api.socket());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
