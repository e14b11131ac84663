package org.hostctl.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.hostctl.api.Json;

/**
 * Plain HTTP/1.1 on a Unix domain socket with the JDK's own channel, written by hand so that tests control every
 * byte (headers hostctl would never send) and can send several requests on one keep-alive connection.
 */
public final class UnixHttp implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private UnixHttp(SocketChannel channel) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects to the socket. */
    public static UnixHttp connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new UnixHttp(ch);
    }

    /** One request on a new connection. */
    public static Reply once(Path socket, String method, String target, Map<String, String> headers, String body) {
        try (UnixHttp c = connect(socket)) {
            return c.send(method, target, headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one request on this connection (kept alive) and reads the whole reply. */
    public Reply send(String method, String target, Map<String, String> headers, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            req.append("Content-Type: application/json\r\n");
        }
        req.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        // one write: a server that answers before reading the body (401) and closes must not meet a half-sent request
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(req.toString().getBytes(StandardCharsets.UTF_8));
        request.write(bytes);
        out.write(request.toByteArray());
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        byte[] content;
        if (h.containsKey("content-length")) {
            content = in.readNBytes(Integer.parseInt(h.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
                all.write(in.readNBytes(n));
                line();
            }
            line();
            content = all.toByteArray();
        } else {
            content = in.readAllBytes();
        }
        return new Reply(code, h, new String(content, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A reply: status, headers (lower-case names) and body. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }
    }
}
