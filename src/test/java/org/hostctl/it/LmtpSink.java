package org.hostctl.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal LMTP server (RFC 2033) on 127.0.0.1 and a free port that accepts every message and records it; a
 * stand-in for Dovecot's LMTP so Postfix routing can be tested without Dovecot. It speaks LHLO, MAIL, RCPT, DATA,
 * RSET, NOOP and QUIT, answers 250 to every RCPT and, after DATA, one 250 per recipient. Bounded: reads time out,
 * lines and messages have size limits, at most a few connections are served at once.
 */
public final class LmtpSink implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_LINE_LENGTH = 10_000;
    private static final int MAX_MESSAGE_BYTES = 1 << 20;
    private static final int MAX_CONNECTIONS = 4;
    private static final Pattern PATH = Pattern.compile("(?i)^(?:MAIL FROM|RCPT TO):\\s*<([^>]*)>.*$");

    /** One accepted message: envelope sender, recipients of this LMTP transaction, and the data (CRLF lines). */
    public record Delivery(String from, List<String> recipients, String data) {}

    private final ServerSocket server;
    private final ExecutorService workers = Executors.newFixedThreadPool(MAX_CONNECTIONS + 1, r -> {
        Thread t = new Thread(r, "lmtp-sink");
        t.setDaemon(true);
        return t;
    });
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    private LmtpSink(ServerSocket server) {
        this.server = server;
        workers.execute(this::acceptLoop);
    }

    /** Listens on 127.0.0.1 and a free port. */
    public static LmtpSink start() {
        try {
            return new LmtpSink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Everything delivered so far, in order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Messages delivered so far for {@code recipient} (case-insensitive). */
    public List<Delivery> deliveriesTo(String recipient) {
        return deliveries().stream().filter(d -> contains(d, recipient)).toList();
    }

    /** Protocol errors seen (malformed commands, timeouts); empty when Postfix behaved. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Waits until a delivery matching {@code condition} arrives; empty after {@code timeout}. */
    public synchronized Optional<Delivery> await(Predicate<Delivery> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Delivery> found = deliveries.stream().filter(condition).findFirst();
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) {
                return found;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Waits for a delivery to {@code recipient} whose data contains {@code marker} (e.g. a unique Message-ID). */
    public Optional<Delivery> await(String recipient, String marker, Duration timeout) {
        return await(d -> contains(d, recipient) && d.data().contains(marker), timeout);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
    }

    private static boolean contains(Delivery d, String recipient) {
        return d.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(recipient));
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                workers.execute(() -> serve(socket));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                error("accept: " + e.getMessage());
            } catch (RuntimeException e) {
                return; // executor shut down
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 lmtp-sink.test LMTP ready");
            String from = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "LHLO" -> reply(out, "250-lmtp-sink.test\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES");
                    case "MAIL" -> {
                        from = path(line);
                        recipients.clear();
                        reply(out, from == null ? "501 5.5.4 bad MAIL" : "250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        String rcpt = path(line);
                        if (from == null || rcpt == null) {
                            reply(out, "503 5.5.1 bad sequence or syntax");
                        } else {
                            recipients.add(rcpt);
                            reply(out, "250 2.1.5 Ok");
                        }
                    }
                    case "DATA" -> {
                        if (from == null || recipients.isEmpty()) {
                            reply(out, "503 5.5.1 no valid recipients");
                            continue;
                        }
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        String data = readData(in);
                        if (data == null) {
                            error("connection closed during DATA");
                            return;
                        }
                        record(new Delivery(from, List.copyOf(recipients), data));
                        StringBuilder replies = new StringBuilder();
                        for (String rcpt : recipients) {
                            replies.append(replies.isEmpty() ? "" : "\r\n")
                                    .append("250 2.0.0 <").append(rcpt).append("> Saved");
                        }
                        reply(out, replies.toString());
                        from = null;
                        recipients.clear();
                    }
                    case "RSET" -> {
                        from = null;
                        recipients.clear();
                        reply(out, "250 2.0.0 Ok");
                    }
                    case "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> {
                        error("unknown command: " + line);
                        reply(out, "500 5.5.2 unknown command");
                    }
                }
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                error("connection: " + e);
            }
        }
    }

    private static String path(String line) {
        Matcher m = PATH.matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    private static String readLine(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line != null && line.length() > MAX_LINE_LENGTH) {
            throw new IOException("line longer than " + MAX_LINE_LENGTH);
        }
        return line;
    }

    /** Reads up to the lone dot, undoing dot-stuffing; null if the connection closes first. */
    private static String readData(BufferedReader in) throws IOException {
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                return data.toString();
            }
            data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            if (data.length() > MAX_MESSAGE_BYTES) {
                throw new IOException("message larger than " + MAX_MESSAGE_BYTES);
            }
        }
        return null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private synchronized void record(Delivery delivery) {
        deliveries.add(delivery);
        notifyAll();
    }

    private synchronized void error(String message) {
        errors.add(message);
    }
}
