package org.hostctl.server.status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.hostctl.server.text.Escape;

/**
 * Connects to a mail service and reads its greeting: IMAP ({@code * OK}, {@code * PREAUTH}), LMTP ({@code 220},
 * also multi-line) or ManageSieve (capabilities, then {@code OK}). Then ends the session politely (without waiting
 * long for the answer) and closes. Lines are read up to {@value #MAX_LINE} bytes and {@value #MAX_LINES} lines, so
 * a broken server cannot keep the probe reading; the whole probe, name lookup included, ends within its timeout.
 */
public final class GreetingProbe implements Probe {
    /** Longest greeting line read. */
    static final int MAX_LINE = 8192;
    /** Most greeting lines read (ManageSieve sends a dozen capabilities). */
    static final int MAX_LINES = 100;
    /** How long the answer to the goodbye is waited for at most. */
    private static final long GOODBYE_MILLIS = 200;
    private static final Pattern IMAP_OK = Pattern.compile("(?i)\\* (OK|PREAUTH)\\b.*");
    private static final Pattern IMAP_BYE = Pattern.compile("(?i)\\* BYE\\b.*");
    private static final Pattern SMTP_MORE = Pattern.compile("220-.*");
    private static final Pattern SMTP_OK = Pattern.compile("220( .*)?");
    private static final Pattern SMTP_REJECT = Pattern.compile("[45]\\d\\d([ -].*)?");
    private static final Pattern SIEVE_OK = Pattern.compile("(?i)OK\\b.*");
    private static final Pattern SIEVE_REJECT = Pattern.compile("(?i)(NO|BYE)\\b.*");

    /** The protocols whose greeting is known, with the command that ends their session. */
    public enum Protocol {
        IMAP("a LOGOUT"), LMTP("QUIT"), MANAGESIEVE("LOGOUT");

        private final String goodbye;

        Protocol(String goodbye) {
            this.goodbye = goodbye;
        }
    }

    private final Protocol protocol;
    private final String host;
    private final int port;

    /**
     * @param host a name or address; a name is looked up on every run
     * @throws IllegalArgumentException if {@code port} is not 1 to 65535
     */
    public GreetingProbe(Protocol protocol, String host, int port) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535: " + port);
        }
        this.port = port;
    }

    @Override
    public ProbeResult run(Duration timeout, Duration slow) {
        long start = System.nanoTime();
        try {
            long deadline = start + timeout.toNanos();
            InetAddress address = ProbeSupport.resolve(host, deadline);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), ProbeSupport.remainingMillis(deadline));
                LineReader in = new LineReader(socket, deadline);
                String refusal = greeting(in);
                long millis = ProbeSupport.millisSince(start);
                if (refusal != null) {
                    return ProbeSupport.result(State.DOWN, refusal, millis);
                }
                goodbye(socket, deadline);
                return ProbeSupport.timed("greeting", millis, slow);
            }
        } catch (Broken e) {
            return ProbeSupport.down(e.getMessage(), start);
        } catch (IOException e) {
            return ProbeSupport.down(ProbeSupport.network(e, timeout), start);
        } catch (RuntimeException e) {
            return ProbeSupport.down("probe failed: " + e.getClass().getSimpleName(), start);
        }
    }

    /** Null when the greeting says the service is ready, else why it is not. */
    private String greeting(LineReader in) throws IOException {
        while (true) {
            String line = in.next();
            if (line == null) {
                return "connection closed before the greeting";
            }
            switch (protocol) {
                case IMAP -> {
                    if (IMAP_OK.matcher(line).matches()) {
                        return null;
                    }
                    return IMAP_BYE.matcher(line).matches() ? refused(line) : unexpected(line);
                }
                case LMTP -> {
                    if (SMTP_OK.matcher(line).matches()) {
                        return null;
                    }
                    if (!SMTP_MORE.matcher(line).matches()) {
                        return SMTP_REJECT.matcher(line).matches() ? refused(line) : unexpected(line);
                    }
                }
                case MANAGESIEVE -> {
                    if (SIEVE_OK.matcher(line).matches()) {
                        return null;
                    }
                    if (SIEVE_REJECT.matcher(line).matches()) {
                        return refused(line);
                    }
                    if (!line.startsWith("\"")) {
                        return unexpected(line);
                    }
                }
            }
        }
    }

    private static String refused(String line) {
        return "rejected: " + Escape.printable(line, ProbeSupport.QUOTE);
    }

    private static String unexpected(String line) {
        return "unexpected greeting: " + Escape.printable(line, ProbeSupport.QUOTE);
    }

    /** Sends the protocol's goodbye and reads its answer briefly, so the server sees a clean end; errors ignored. */
    private void goodbye(Socket socket, long deadline) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write((protocol.goodbye + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            long until = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GOODBYE_MILLIS));
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[1024];
            for (int total = 0; total < 4 * buf.length; ) {
                socket.setSoTimeout(ProbeSupport.remainingMillis(until));
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // the greeting counted; how the session ends does not
        }
    }

    /** The greeting was readable but not acceptable in size. */
    private static final class Broken extends IOException {
        Broken(String message) {
            super(message);
        }
    }

    /** Reads bounded lines; every read waits at most until the deadline. */
    private static final class LineReader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buf = new byte[4096];
        private int pos;
        private int len;
        private int lines;

        LineReader(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        /** The next line without its line end; a last line without one; null at the end of the stream. */
        String next() throws IOException {
            if (++lines > MAX_LINES) {
                throw new Broken("more than " + MAX_LINES + " greeting lines");
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == len && !fill()) {
                    return line.size() == 0 ? null : text(line);
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    return text(line);
                }
                if (line.size() >= MAX_LINE) {
                    throw new Broken("greeting line longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        }

        private boolean fill() throws IOException {
            socket.setSoTimeout(ProbeSupport.remainingMillis(deadline));
            int n = in.read(buf);
            if (n < 0) {
                return false;
            }
            pos = 0;
            len = n;
            return true;
        }

        private static String text(ByteArrayOutputStream line) {
            String s = line.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
