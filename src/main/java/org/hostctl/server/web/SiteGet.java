package org.hostctl.server.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A {@code GET} of a document root's URL through a fixed address: hostd connects to {@code web.connectHost} (at the
 * URL's port) and names the URL's host in the {@code Host} header, so that a name-based virtual host answers even
 * where its name does not resolve to this web server. Plain HTTP only: for https the name must resolve.
 */
public final class SiteGet {
    /** Status and the start of the body (at most the limit asked for, dechunked). */
    public record Answer(int status, String body) {}

    private static final int MAX_HEADER_LINE = 8192;
    private static final int MAX_HEADERS = 100;

    private SiteGet() {}

    /** Whether {@code url} is fetched through {@code connectHost}: set, and the URL is plain http. */
    public static boolean applies(URI url, String connectHost) {
        return connectHost != null && !connectHost.isBlank() && "http".equalsIgnoreCase(url.getScheme());
    }

    /**
     * GETs {@code url} from {@code connectHost}; the whole exchange ends within {@code timeout}.
     *
     * @throws SocketTimeoutException when it does not
     * @throws IOException when the connection fails or the answer is not HTTP/1.x
     */
    public static Answer get(URI url, String connectHost, Duration timeout, int maxBody, String userAgent)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(connectHost, port), remaining(deadline));
            s.setSoTimeout(remaining(deadline));
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + url.getRawAuthority() + "\r\nUser-Agent: " + userAgent
                    + "\r\nAccept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            String statusLine = line(in, s, deadline);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer from " + connectHost + ":" + port);
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("malformed HTTP status line from " + connectHost + ":" + port, e);
            }
            boolean chunked = false;
            long length = -1;
            for (int i = 0; ; i++) {
                String header = line(in, s, deadline);
                if (header.isEmpty()) {
                    break;
                }
                if (i >= MAX_HEADERS) {
                    throw new IOException("too many header lines");
                }
                int colon = header.indexOf(':');
                if (colon > 0) {
                    String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                        chunked = true;
                    } else if (name.equals("content-length")) {
                        try {
                            length = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IOException("malformed Content-Length", e);
                        }
                    }
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                while (body.size() < maxBody) {
                    String size = line(in, s, deadline);
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        break;
                    }
                    copy(in, body, n, maxBody, s, deadline);
                    line(in, s, deadline);
                }
            } else {
                copy(in, body, length < 0 ? Long.MAX_VALUE : length, maxBody, s, deadline);
            }
            return new Answer(status, body.toString(StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunked body", e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, long n, int max, Socket s, long deadline)
            throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0 && to.size() < max) {
            s.setSoTimeout(remaining(deadline));
            int r = in.read(buf, 0, (int) Math.min(buf.length, Math.min(left, max - to.size())));
            if (r < 0) {
                return;
            }
            to.write(buf, 0, r);
            left -= r;
        }
    }

    private static String line(InputStream in, Socket s, long deadline) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            s.setSoTimeout(remaining(deadline));
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the middle of the answer");
            }
            if (c == '\n') {
                int end = b.length();
                return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
            }
            if (b.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            b.append((char) c);
        }
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer in time");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }
}
