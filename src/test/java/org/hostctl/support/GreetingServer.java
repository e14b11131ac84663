package org.hostctl.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback server that greets every connection with a fixed text and closes it: stands in for a mail
 * backend's IMAP, LMTP or ManageSieve port where only the greeting matters. It can be stopped and started again
 * on the same port.
 */
public final class GreetingServer implements AutoCloseable {
    /** IMAP's greeting. */
    public static final String IMAP = "* OK [CAPABILITY IMAP4rev1] ready\r\n";
    /** LMTP's greeting. */
    public static final String LMTP = "220 mx.test LMTP ready\r\n";
    /** ManageSieve's capability listing. */
    public static final String MANAGESIEVE = "\"IMPLEMENTATION\" \"test\"\r\n\"SIEVE\" \"fileinto\"\r\nOK \"ready\"\r\n";

    private final String greeting;
    private final int port;
    private ServerSocket socket;
    private Thread thread;

    private GreetingServer(String greeting, ServerSocket bound) {
        this.greeting = greeting;
        this.port = bound.getLocalPort();
        this.socket = bound;
    }

    /** Starts one on a free port. */
    public static GreetingServer start(String greeting) throws IOException {
        GreetingServer g = new GreetingServer(greeting, bind(0));
        g.run();
        return g;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    public int port() {
        return port;
    }

    /** Whether it accepts connections now. */
    public synchronized boolean running() {
        return socket != null && !socket.isClosed();
    }

    /** Stops accepting: connections are refused until {@link #restart}. */
    public synchronized void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Listens on the same port again. */
    public synchronized void restart() throws IOException {
        stop();
        socket = bind(port);
        run();
    }

    private synchronized void run() {
        ServerSocket s = socket;
        thread = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    OutputStream out = c.getOutputStream();
                    out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    c.shutdownOutput();
                    c.setSoTimeout(500);
                    c.getInputStream().readNBytes(256);
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "greeting-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
