package org.hostctl.server.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A one-purpose TCP server on 127.0.0.1 for probe tests; every connection gets {@link Handler}. */
final class LoopbackServer implements AutoCloseable {
    /** Serves one accepted connection; the server closes it afterwards. */
    interface Handler {
        void serve(Socket socket, InputStream in, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** What clients sent after the greeting, one entry per connection (read until they close). */
    final List<String> received = new CopyOnWriteArrayList<>();

    private LoopbackServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.add(s);
                Thread t = new Thread(() -> {
                    try (s) {
                        handler.serve(s, s.getInputStream(), s.getOutputStream());
                    } catch (IOException | InterruptedException e) {
                        // the probe may close first
                    }
                }, "loopback-conn");
                t.setDaemon(true);
                t.start();
            }
        }, "loopback-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server that runs {@code handler} for every connection. */
    static LoopbackServer serving(Handler handler) throws IOException {
        return new LoopbackServer(handler);
    }

    /** A server that sends {@code greeting} and records what the client sends until it closes. */
    static LoopbackServer greeting(String greeting) throws IOException {
        LoopbackServer[] self = new LoopbackServer[1];
        self[0] = new LoopbackServer((socket, in, out) -> {
            out.write(greeting.getBytes(StandardCharsets.UTF_8));
            out.flush();
            self[0].received.add(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
        });
        return self[0];
    }

    int port() {
        return server.getLocalPort();
    }

    /** A port on 127.0.0.1 nobody listens on (bound a moment ago and closed). */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
