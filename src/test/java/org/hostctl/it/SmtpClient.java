package org.hostctl.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny SMTP client for tests: one connection, one command at a time (no pipelining), every read bounded by a
 * socket timeout. Replies are returned, never thrown, so tests can assert on rejections.
 *
 * <pre>{@code
 * try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
 *     smtp.ehlo("client.remote.test");
 *     smtp.mailFrom("alice@remote.test");
 *     assertThat(smtp.rcptTo("info@example.test").code()).isEqualTo(250);
 *     assertThat(smtp.data("Subject: hi\r\n\r\nhello\r\n").code()).isEqualTo(250);
 * }
 * }</pre>
 */
public final class SmtpClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_LINE_LENGTH = 4096;

    /** One SMTP reply: code and the text of each line without the code and separator. */
    public record Reply(int code, List<String> lines) {
        /** Text of all lines joined with a space, e.g. {@code 5.1.1 <x@y>: Recipient address rejected: ...}. */
        public String text() {
            return String.join(" ", lines);
        }

        public boolean positive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return code + " " + text();
        }
    }

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final Reply greeting;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
        this.greeting = readReply();
    }

    /** Connects to 127.0.0.1:{@code port} and reads the greeting. */
    public static SmtpClient connect(int port) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return new SmtpClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("SMTP connect to 127.0.0.1:" + port, e);
        }
    }

    /**
     * Sends one message in one session (EHLO, MAIL, one RCPT per recipient, DATA if any was accepted, QUIT) and
     * returns every reply, for tests that only care about the outcome.
     */
    public static Session send(int port, String from, List<String> recipients, String message) {
        try (SmtpClient smtp = connect(port)) {
            Reply ehlo = smtp.ehlo("client.remote.test");
            Reply mail = smtp.mailFrom(from);
            List<Reply> rcpts = new ArrayList<>();
            for (String recipient : recipients) {
                rcpts.add(smtp.rcptTo(recipient));
            }
            Reply data = rcpts.stream().anyMatch(Reply::positive) ? smtp.data(message) : null;
            return new Session(smtp.greeting, ehlo, mail, rcpts, data);
        }
    }

    /** All replies of {@link #send}; {@code data} is null when no recipient was accepted. */
    public record Session(Reply greeting, Reply ehlo, Reply mail, List<Reply> rcpts, Reply data) {}

    public Reply greeting() {
        return greeting;
    }

    public Reply ehlo(String name) {
        return command("EHLO " + name);
    }

    public Reply mailFrom(String address) {
        return command("MAIL FROM:<" + address + ">");
    }

    public Reply rcptTo(String address) {
        return command("RCPT TO:<" + address + ">");
    }

    /**
     * DATA, then the message (lines ending in CRLF or LF; dot-stuffed here) and the final dot. Returns the reply
     * to DATA itself if it is not 354, else the reply after the message.
     */
    public Reply data(String message) {
        Reply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        StringBuilder body = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            body.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        if (message.endsWith("\n")) {
            body.setLength(body.length() - 2); // split left an empty last element
        }
        body.append(".\r\n");
        write(body.toString());
        return read();
    }

    /**
     * STARTTLS; on 220 the connection continues over TLS, trusting any certificate (test servers sign their own).
     * Returns the reply to STARTTLS.
     */
    public Reply startTls() {
        Reply go = command("STARTTLS");
        if (go.code() != 220) {
            return go;
        }
        try {
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                    .createSocket(socket, "127.0.0.1", socket.getPort(), true);
            secure.startHandshake();
            socket = secure;
            in = new BufferedReader(new InputStreamReader(secure.getInputStream(), StandardCharsets.UTF_8));
            out = secure.getOutputStream();
            return go;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS handshake after STARTTLS", e);
        }
    }

    /** {@code AUTH PLAIN} with the credentials in the initial response. */
    public Reply authPlain(String user, String password) {
        String token = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    /** Sends one command line (without CRLF) and returns the reply. */
    public Reply command(String line) {
        write(line + "\r\n");
        return read();
    }

    /** QUIT and close; never throws. */
    @Override
    public void close() {
        try {
            if (!socket.isClosed()) {
                write("QUIT\r\n");
                read();
            }
        } catch (RuntimeException e) {
            // closing anyway
        } finally {
            closeQuietly(socket);
        }
    }

    private void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP write", e);
        }
    }

    private Reply read() {
        try {
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("SMTP read", e);
        }
    }

    private Reply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < MAX_REPLY_LINES; i++) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by server after " + lines);
            }
            if (line.length() < 3 || line.length() > MAX_LINE_LENGTH || !line.substring(0, 3).matches("\\d{3}")) {
                throw new IOException("malformed SMTP reply line: " + line);
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), List.copyOf(lines));
            }
        }
        throw new IOException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
