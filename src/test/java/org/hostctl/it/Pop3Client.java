package org.hostctl.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny POP3 client for tests (RFC 1939, and RFC 5034's {@code AUTH PLAIN}): one command at a time, single-line
 * replies, and the multi-line answers of {@code RETR} and {@code CAPA} with the dot-stuffing undone. Every read is bounded by the
 * socket timeout.
 */
public final class Pop3Client implements AutoCloseable {

    private static final Pattern STAT = Pattern.compile("\\+OK (\\d+) (\\d+)\\b.*");
    private static final Pattern SUBJECT = Pattern.compile("(?is)(?:^|\\r?\\n)Subject:[ \\t]*(.*?)\\r?\\n(?![ \\t])");
    private static final int MAX_LINE = 1 << 20;

    /** A single-line reply: {@code +OK …} or {@code -ERR …}. */
    public record Reply(String line) {
        public boolean ok() {
            return line.startsWith("+OK");
        }

        @Override
        public String toString() {
            return line;
        }
    }

    /** The answer to {@code STAT}: number of messages and their size in octets. */
    public record Stat(int messages, long octets) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String greeting;

    private Pop3Client(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = readLine();
        if (!greeting.startsWith("+OK")) {
            socket.close();
            throw new IOException("unexpected POP3 greeting: " + greeting);
        }
    }

    /** Connects and reads the greeting; {@code timeout} bounds the connect and every read. */
    public static Pop3Client connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new Pop3Client(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The server greeting, e.g. {@code +OK Dovecot (Debian) ready.} */
    public String greeting() {
        return greeting;
    }

    /** Sends one command line and reads its single-line reply. */
    public Reply command(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a POP3 command is one line");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new Reply(readLine());
    }

    /** {@code USER}, then {@code PASS} when the server took the user; the last reply. */
    public Reply login(String user, String password) throws IOException {
        Reply reply = command("USER " + user);
        return reply.ok() ? command("PASS " + password) : reply;
    }

    /** {@code AUTH PLAIN} with an initial response: {@code authzid NUL authcid NUL password}. */
    public Reply authenticatePlain(String authzid, String authcid, String password) throws IOException {
        String plain = authzid + "\0" + authcid + "\0" + password;
        return command("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code STAT}; fails when the server answers {@code -ERR}. */
    public Stat stat() throws IOException {
        Reply reply = command("STAT");
        Matcher m = STAT.matcher(reply.line());
        if (!m.matches()) {
            throw new IOException("STAT failed: " + reply);
        }
        return new Stat(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** {@code RETR n}: the message with CRLF line ends; fails when the server answers {@code -ERR}. */
    public String retr(int message) throws IOException {
        return String.join("", multiLine("RETR " + message).stream().map(l -> l + "\r\n").toList());
    }

    /** {@code CAPA}: the capability lines, e.g. {@code IMPLEMENTATION Cyrus POP3 v3.6.1}. */
    public List<String> capa() throws IOException {
        return multiLine("CAPA");
    }

    /** A command answered with {@code +OK} and lines up to the lone dot; fails on {@code -ERR}. */
    private List<String> multiLine(String command) throws IOException {
        Reply reply = command(command);
        if (!reply.ok()) {
            throw new IOException(command + " failed: " + reply);
        }
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
        return lines;
    }

    /** The {@code Subject} header of a message's text (unfolded lines joined as sent), or null. */
    public static String subject(String message) {
        int headerEnd = message.indexOf("\r\n\r\n");
        Matcher m = SUBJECT.matcher(headerEnd < 0 ? message : message.substring(0, headerEnd + 2));
        return m.find() ? m.group(1) : null;
    }

    /** {@code QUIT}: the server commits the session (nothing here deletes mail). */
    public Reply quit() throws IOException {
        return command("QUIT");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One line without its CRLF. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("POP3 server closed the connection"
                        + (line.size() > 0 ? " after: " + line.toString(StandardCharsets.UTF_8) : ""));
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("POP3 line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
