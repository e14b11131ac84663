package org.hostctl.client.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link Socket} over a JDK UNIX-domain {@link SocketChannel}, for clients (OkHttp) that want a {@code Socket}.
 * The address given to {@code connect} is ignored: the socket always reaches {@code path}. Reads block; a read
 * timeout is enforced by the caller closing the socket (okio's watchdog does), so the client keeps no idle
 * connection that would need a non-blocking health check.
 */
final class UnixSocket extends Socket {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final Path path;
    private volatile SocketChannel channel;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private int soTimeout;
    private InputStream in;
    private OutputStream out;

    UnixSocket(Path path) throws SocketException {
        super((SocketImpl) null);
        this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
        connect(ignored, 0);
    }

    @Override
    public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (channel != null) {
            throw new SocketException("already connected");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            ch.close();
            java.net.ConnectException c = new java.net.ConnectException("cannot connect to " + path + ": "
                    + e.getMessage());
            c.initCause(e);
            throw c;
        }
        channel = ch;
        in = Channels.newInputStream(ch);
        out = Channels.newOutputStream(ch);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (channel == null) {
            throw new SocketException("Socket is not connected");
        }
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (channel == null) {
            throw new SocketException("Socket is not connected");
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public boolean isConnected() {
        return channel != null;
    }

    @Override
    public boolean isBound() {
        return channel != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
        if (channel != null) {
            channel.shutdownInput();
        }
        inputShut = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (channel != null) {
            channel.shutdownOutput();
        }
        outputShut = true;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public synchronized void setSoTimeout(int timeout) {
        soTimeout = timeout;
    }

    @Override
    public synchronized int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        // not a TCP socket
    }

    @Override
    public boolean getTcpNoDelay() {
        return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
        // not a TCP socket
    }

    @Override
    public InetAddress getInetAddress() {
        return LOOPBACK;
    }

    @Override
    public InetAddress getLocalAddress() {
        return LOOPBACK;
    }

    @Override
    public int getPort() {
        return 80;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return new InetSocketAddress(LOOPBACK, 80);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return null;
    }

    @Override
    public String toString() {
        return "UnixSocket[" + path + "]";
    }
}
