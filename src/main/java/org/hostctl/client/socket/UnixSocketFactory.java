package org.hostctl.client.socket;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * Sockets that reach one Unix domain socket whatever host and port they are asked for: how OkHttp speaks HTTP to
 * hostd's local socket. Uses the JDK's own UNIX-domain channels (no native library to load at start).
 */
public final class UnixSocketFactory extends SocketFactory {
    private final Path path;

    public UnixSocketFactory(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    @Override
    public Socket createSocket() throws java.io.IOException {
        return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws java.io.IOException {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws java.io.IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws java.io.IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws java.io.IOException {
        return connected();
    }

    private Socket connected() throws java.io.IOException {
        UnixSocket s = new UnixSocket(path);
        s.connect(null, 0);
        return s;
    }
}
