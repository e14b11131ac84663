package org.hostctl.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A tiny client of Dovecot's auth protocol (the one Postfix {@code smtpd_sasl_type = dovecot} speaks):
 * {@code VERSION}/{@code CPID} handshake, then one {@code AUTH … PLAIN} per {@link #plain} call.
 */
public final class DovecotAuthClient implements AutoCloseable {

    /** The server's answer line, e.g. {@code OK 1 user=alice@example.com} or {@code FAIL 2 user=…}. */
    public record Answer(String line) {
        public boolean ok() {
            return line.startsWith("OK\t");
        }

        @Override
        public String toString() {
            return line.replace('\t', ' ');
        }
    }

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private int id;

    private DovecotAuthClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
        send("VERSION\t1\t2\nCPID\t" + ProcessHandle.current().pid() + "\n");
        String line;
        do {
            line = readLine();
        } while (!line.equals("DONE"));
    }

    /** Connects and completes the handshake; {@code timeout} bounds the connect and every read. */
    public static DovecotAuthClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new DovecotAuthClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * SASL PLAIN ({@code authzid NUL authcid NUL password}) for {@code service}, e.g. {@code smtp} or {@code imap},
     * as if from 127.0.0.1 over a secured connection.
     *
     * @param authzid the user to act as, or empty to act as {@code authcid}
     */
    public Answer plain(String service, String authzid, String authcid, String password) throws IOException {
        byte[] initial = (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8);
        int request = ++id;
        send("AUTH\t" + request + "\tPLAIN\tservice=" + service + "\tnologin\tsecured"
                + "\tlip=127.0.0.1\trip=127.0.0.1\tresp=" + Base64.getEncoder().encodeToString(initial) + "\n");
        while (true) {
            String line = readLine();
            String[] fields = line.split("\t", 3);
            if (fields.length >= 2 && fields[1].equals(String.valueOf(request))) {
                return new Answer(line);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("connection closed by the auth server");
        }
        return line;
    }
}
