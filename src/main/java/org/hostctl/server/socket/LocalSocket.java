package org.hostctl.server.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * hostd's local socket: the API on a Unix domain socket, where the caller is the Unix user the kernel reports.
 *
 * <p>Modes: the directory holding the socket is created 0755 and must not be writable by group or others (else
 * anyone could unlink the socket and put their own in its place); the socket file is 0666, because connecting
 * needs write permission on it and every local user may connect. Who connected is decided by the peer
 * credentials, not by who may connect.
 */
public final class LocalSocket {
    /** The socket of a packaged hostd. */
    public static final Path PACKAGED = Path.of("/run/hostd/api.sock");

    /**
     * The socket inside the data directory when hostd.yaml names none: in a directory of its own, since the data
     * directory is group-writable (Dovecot and Postfix create SQLite's -wal/-shm files there).
     */
    public static final String EMBEDDED_NAME = "run/api.sock";

    /** {@code sun_path} holds 108 bytes including the terminating NUL. */
    private static final int MAX_PATH_BYTES = 107;

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw-rw-");

    private final Path path;

    private LocalSocket(Path path) {
        this.path = path;
    }

    /**
     * Checks the socket's directory (creating it 0755 when missing) and clears a stale socket file left by a hostd
     * that did not stop cleanly. Refuses a directory others may write to, a path that is not a socket, and a
     * socket another process still answers on.
     */
    public static LocalSocket prepare(Path socket) {
        Path path = socket.toAbsolutePath().normalize();
        if (path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("socket path " + path + " is longer than " + MAX_PATH_BYTES
                    + " bytes, the limit of a Unix domain socket address");
        }
        Path dir = path.getParent();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, DIR_MODE);
            }
            PosixFileAttributes d = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!d.isDirectory()) {
                throw new IllegalArgumentException("socket directory " + dir + " is not a directory (or is a"
                        + " symbolic link)");
            }
            if (d.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || d.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IllegalArgumentException("socket directory " + dir + " is writable by group or others,"
                        + " who could replace the socket; make it 0755 (e.g. chmod 755 " + dir + ")");
            }
            String me = System.getProperty("user.name");
            String owner = d.owner().getName();
            if (!owner.equals(me) && !owner.equals("root")) {
                throw new IllegalArgumentException("socket directory " + dir + " belongs to " + owner
                        + ", who could replace the socket; it must belong to " + me + " or root");
            }
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                PosixFileAttributes f = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!f.isOther()) {
                    throw new IllegalArgumentException(path + " exists and is not a socket; remove it or choose"
                            + " another --socket");
                }
                if (answers(path)) {
                    throw new IllegalArgumentException("another process serves the socket " + path);
                }
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the socket " + path + ": " + e.getMessage(), e);
        }
        return new LocalSocket(path);
    }

    public Path path() {
        return path;
    }

    /** The Jetty connector listening on the socket, speaking HTTP/1.1 with {@code http}'s settings. */
    public UnixDomainServerConnector connector(Server server, HttpConfiguration http) {
        UnixDomainServerConnector c = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
        c.setUnixDomainPath(path);
        return c;
    }

    /** Whether a request arrived on a connector made by {@link #connector}. */
    public static boolean isLocalSocket(Connector connector) {
        return connector instanceof UnixDomainServerConnector;
    }

    /** After the connector listens: lets every local user connect. */
    public void open() {
        try {
            Files.setPosixFilePermissions(path, SOCKET_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the mode of the socket " + path + ": " + e.getMessage(), e);
        }
    }

    /** After the connector stopped: removes the socket file if it is still one. */
    public void remove() {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Files.readAttributes(path,
                    PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // the next start clears a stale socket
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
