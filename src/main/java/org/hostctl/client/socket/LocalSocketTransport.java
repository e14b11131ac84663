package org.hostctl.client.socket;

import java.net.InetAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/** Points an OkHttp client at hostd's local socket: requests go to {@code http://localhost} on the socket. */
public final class LocalSocketTransport {
    private LocalSocketTransport() {}

    /**
     * Every connection reaches {@code socket}: no DNS lookup, no proxy, and no idle connection kept (a connection
     * costs microseconds on a local socket, and OkHttp's health check of an idle one needs socket timeouts a
     * channel stream does not have).
     */
    public static OkHttpClient.Builder configure(OkHttpClient.Builder b, Path socket) {
        return b.socketFactory(new UnixSocketFactory(socket))
                .proxy(Proxy.NO_PROXY)
                .dns(host -> {
                    try {
                        return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS));
    }
}
