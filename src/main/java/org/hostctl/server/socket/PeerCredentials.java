package org.hostctl.server.socket;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * The Unix user of the process at the other end of a local-socket connection, as the kernel reports it
 * (SO_PEERCRED, fixed when the peer connected, so every request of a keep-alive connection has the same one).
 */
public final class PeerCredentials {
    private PeerCredentials() {}

    /**
     * Empty when the request did not arrive on the local socket; otherwise the peer's Unix user name (the numeric
     * uid when it has no name).
     *
     * @throws IllegalStateException when the request came on the local socket but its credentials cannot be read
     */
    public static Optional<String> unixUser(HttpServletRequest request) {
        ServletContextRequest r = ServletContextRequest.getServletContextRequest(request);
        if (r == null) {
            throw new IllegalStateException("not a Jetty request");
        }
        ConnectionMetaData meta = r.getConnectionMetaData();
        if (!LocalSocket.isLocalSocket(meta.getConnector())) {
            return Optional.empty();
        }
        Object transport = meta.getConnection().getEndPoint().getTransport();
        if (!(transport instanceof SocketChannel channel)) {
            throw new IllegalStateException("local socket connection without a socket channel");
        }
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return Optional.of(peer.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot read the peer credentials of the local socket: " + e, e);
        }
    }
}
