package org.hostctl.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;

/**
 * A tiny LMTP (RFC 2033) client for tests: LHLO, MAIL FROM, RCPT TO and DATA with one reply per accepted
 * recipient. Over TCP every read is bounded by the socket timeout; over a unix socket (no read timeout in
 * Java) the whole session is bounded: the channel is closed when the timeout has passed.
 */
public final class LmtpClient implements AutoCloseable {

    private static final int MAX_LINE = 1 << 16;
    private static final Timer WATCHDOG = new Timer("lmtp-client-watchdog", true);

    /** A complete (possibly multi-line) reply; {@code text} joins the lines' texts with {@code \n}. */
    public record Reply(int code, String text) {
        public boolean positive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private final AutoCloseable connection;
    private final InputStream in;
    private final OutputStream out;
    private final TimerTask watchdog;
    private final Reply greeting;
    private int acceptedRecipients;

    private LmtpClient(AutoCloseable connection, InputStream in, OutputStream out, TimerTask watchdog)
            throws IOException {
        this.connection = connection;
        this.in = new BufferedInputStream(in);
        this.out = out;
        this.watchdog = watchdog;
        this.greeting = readReply();
        if (greeting.code() != 220) {
            close();
            throw new IOException("unexpected LMTP greeting: " + greeting);
        }
    }

    /** Connects over TCP and reads the greeting; {@code timeout} bounds the connect and every read. */
    public static LmtpClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new LmtpClient(socket, socket.getInputStream(), socket.getOutputStream(), null);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to a unix socket; the whole session must end within {@code timeout}. */
    public static LmtpClient connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        TimerTask closer = new TimerTask() {
            @Override
            public void run() {
                try {
                    channel.close();
                } catch (IOException e) {
                    // reads fail anyway
                }
            }
        };
        WATCHDOG.schedule(closer, timeout.toMillis());
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new LmtpClient(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel), closer);
        } catch (IOException | RuntimeException e) {
            closer.cancel();
            channel.close();
            throw e;
        }
    }

    public Reply greeting() {
        return greeting;
    }

    public Reply lhlo(String name) throws IOException {
        return command("LHLO " + name);
    }

    public Reply mailFrom(String address) throws IOException {
        acceptedRecipients = 0;
        return command("MAIL FROM:<" + address + ">");
    }

    /** {@code RCPT TO:<address>}; a 2xx reply counts the recipient for {@link #data}. */
    public Reply rcptTo(String address) throws IOException {
        Reply reply = command("RCPT TO:<" + address + ">");
        if (reply.positive()) {
            acceptedRecipients++;
        }
        return reply;
    }

    /**
     * Sends DATA, the message (line endings normalized to CRLF, dot-stuffed) and the final dot; returns one reply
     * per accepted recipient, in RCPT order, or the single refusal of DATA itself.
     */
    public List<Reply> data(String message) throws IOException {
        Reply start = command("DATA");
        if (start.code() != 354) {
            return List.of(start);
        }
        StringBuilder body = new StringBuilder();
        for (String line : message.split("\r\n|\r|\n", -1)) {
            body.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        if (message.endsWith("\n") || message.endsWith("\r")) {
            body.setLength(body.length() - 2); // split left an empty last element for the final newline
        }
        body.append(".\r\n");
        out.write(body.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < acceptedRecipients; i++) {
            replies.add(readReply());
        }
        acceptedRecipients = 0;
        return replies;
    }

    public Reply quit() throws IOException {
        return command("QUIT");
    }

    @Override
    public void close() throws IOException {
        if (watchdog != null) {
            watchdog.cancel();
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private Reply command(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR or LF in an LMTP command");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply();
    }

    private Reply readReply() throws IOException {
        List<String> texts = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("malformed LMTP reply line: " + line);
            }
            texts.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), String.join("\n", texts));
            }
        }
    }

    private String readLine() throws IOException {
        return FixtureSupport.readCrlfLine(in, MAX_LINE, "LMTP");
    }
}
