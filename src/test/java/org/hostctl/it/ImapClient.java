package org.hostctl.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny IMAP4rev1 client for tests: one command at a time, tagged responses, literals inlined into the
 * untagged line that announced them. Every read is bounded by the socket timeout.
 */
public final class ImapClient implements AutoCloseable {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern STATUS_ITEM = Pattern.compile("([A-Z]+) (\\d+)");
    private static final Pattern SUBJECT = Pattern.compile("(?is)\\bSubject:[ \\t]*(.*?)\\r?\\n(?![ \\t])");
    private static final int MAX_LINE = 1 << 20;

    /**
     * The tagged completion of a command and the untagged lines before it.
     *
     * @param status {@code OK}, {@code NO} or {@code BAD}
     * @param text the rest of the tagged line, e.g. {@code [AUTHENTICATIONFAILED] Authentication failed.}
     */
    public record Response(String status, String text, List<String> untagged) {
        public boolean ok() {
            return "OK".equals(status);
        }

        @Override
        public String toString() {
            return String.join("\n", untagged) + (untagged.isEmpty() ? "" : "\n") + status + " " + text;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String greeting;
    private int tag;

    private ImapClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.greeting = readResponseLine();
        if (!greeting.startsWith("* OK")) {
            socket.close();
            throw new IOException("unexpected IMAP greeting: " + greeting);
        }
    }

    /** Connects and reads the greeting; {@code timeout} bounds the connect and every read. */
    public static ImapClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new ImapClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The server greeting, e.g. {@code * OK [CAPABILITY IMAP4rev1 … STARTTLS AUTH=PLAIN …] Dovecot ready.} */
    public String greeting() {
        return greeting;
    }

    /** {@code LOGIN "user" "password"} with both as quoted strings. */
    public Response login(String user, String password) throws IOException {
        return command("LOGIN " + quote(user) + " " + quote(password));
    }

    /**
     * {@code AUTHENTICATE PLAIN} with the initial response (SASL-IR): {@code authcid} logs in with its password and
     * acts as {@code authzid} (a trusted proxy or master user acting for a mailbox).
     */
    public Response authenticatePlain(String authzid, String authcid, String password) throws IOException {
        byte[] plain = (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return command("AUTHENTICATE PLAIN " + java.util.Base64.getEncoder().encodeToString(plain));
    }

    public Response select(String mailbox) throws IOException {
        return command("SELECT " + quote(mailbox));
    }

    /** {@code STATUS mailbox (items)}; returns e.g. {@code {MESSAGES=1, UNSEEN=1}}, failing on NO/BAD. */
    public Map<String, Long> status(String mailbox, String... items) throws IOException {
        Response r = require(command("STATUS " + quote(mailbox) + " (" + String.join(" ", items) + ")"));
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : r.untagged()) {
            if (line.startsWith("* STATUS ")) {
                Matcher m = STATUS_ITEM.matcher(line.substring(line.lastIndexOf('(')));
                while (m.find()) {
                    values.put(m.group(1), Long.parseLong(m.group(2)));
                }
            }
        }
        return values;
    }

    /** {@code GETQUOTAROOT mailbox}; the untagged {@code * QUOTAROOT} and {@code * QUOTA} lines. */
    public Response getQuotaRoot(String mailbox) throws IOException {
        return command("GETQUOTAROOT " + quote(mailbox));
    }

    /** Subjects of all messages in the selected mailbox, in sequence order. */
    public List<String> fetchSubjects() throws IOException {
        Response r = require(command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
        List<String> subjects = new ArrayList<>();
        for (String line : r.untagged()) {
            if (line.matches("(?s)\\* \\d+ FETCH .*")) {
                Matcher m = SUBJECT.matcher(line);
                subjects.add(m.find() ? m.group(1).strip() : "");
            }
        }
        return subjects;
    }

    public Response logout() throws IOException {
        return command("LOGOUT");
    }

    /** Sends {@code <tag> <command>} and reads until the tagged completion. */
    public Response command(String command) throws IOException {
        String t = "a" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> untagged = new ArrayList<>();
        while (true) {
            String line = readResponseLine();
            if (line.startsWith(t + " ")) {
                String rest = line.substring(t.length() + 1);
                int space = rest.indexOf(' ');
                return new Response(space < 0 ? rest : rest.substring(0, space),
                        space < 0 ? "" : rest.substring(space + 1), List.copyOf(untagged));
            }
            untagged.add(line);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A quoted string; rejects what a quoted string cannot carry (CR, LF, NUL). */
    static String quote(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("CR, LF and NUL cannot be sent as an IMAP quoted string");
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Response require(Response r) throws IOException {
        if (!r.ok()) {
            throw new IOException("IMAP command failed: " + r);
        }
        return r;
    }

    /** One response line with any literals ({@code {N}} CRLF + N bytes) and their continuation inlined. */
    private String readResponseLine() throws IOException {
        StringBuilder line = new StringBuilder(readLine());
        Matcher m = LITERAL.matcher(line);
        while (m.find()) {
            int size = Integer.parseInt(m.group(1));
            if (size > MAX_LINE) {
                throw new IOException("IMAP literal too large: " + size);
            }
            byte[] literal = in.readNBytes(size);
            if (literal.length < size) {
                throw new IOException("connection closed inside a literal");
            }
            line.append("\r\n").append(new String(literal, StandardCharsets.UTF_8)).append(readLine());
            m = LITERAL.matcher(line);
        }
        return line.toString();
    }

    private String readLine() throws IOException {
        return FixtureSupport.readCrlfLine(in, MAX_LINE, "IMAP");
    }
}
