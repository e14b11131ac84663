package org.hostctl.server.sieve;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * One ManageSieve (RFC 5804) session: connect, capabilities, STARTTLS, SASL PLAIN, script commands.
 *
 * <p>Every read is bounded (line length, literal size, bytes and capability lines per response) and every
 * response must arrive within the read timeout. Transport trouble, limits, malformed answers and {@code BYE} are
 * {@link SieveUnavailableException}s naming the backend, after which the session is unusable; a {@code NO} is a
 * {@link RefusedException} carrying the parsed {@link Response}. Referrals are never followed. Nothing here logs;
 * the AUTHENTICATE payload never leaves the socket.
 */
public final class ManageSieveClient implements AutoCloseable {

    /** Transport security. */
    public enum Tls {
        /** STARTTLS with certificate and host name verification; PLAIN only after it succeeded. */
        STARTTLS,
        /** Clear text; accepted only for loopback hosts (test setups). */
        NONE
    }

    /**
     * Where and how to connect.
     *
     * @param backend name shown in errors
     * @param caFile PEM file with the certificates to trust, or {@code null} for the JDK trust store
     * @param readTimeout time allowed for each complete response
     * @param maxLineBytes longest response line, literals not counted
     * @param maxLiteralBytes largest server literal (script or error text); also bounds a response's size
     * @param maxCapabilityLines most capability lines accepted
     */
    public record Settings(String backend, String host, int port, Tls tls, Path caFile, Duration connectTimeout,
            Duration readTimeout, int maxLineBytes, int maxLiteralBytes, int maxCapabilityLines) {
        public static final int DEFAULT_PORT = 4190;
        public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
        public static final int DEFAULT_MAX_LITERAL_BYTES = 1024 * 1024 + 64 * 1024;
        public static final int DEFAULT_MAX_CAPABILITY_LINES = 64;

        public Settings {
            if (backend == null || backend.isBlank() || host == null || host.isBlank() || tls == null
                    || connectTimeout == null || readTimeout == null) {
                throw new IllegalArgumentException("backend, host, tls and timeouts are required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative()
                    || readTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            if (maxLineBytes < 1024 || maxLiteralBytes < 1 || maxCapabilityLines < 1) {
                throw new IllegalArgumentException("limits must be positive (line limit at least 1024)");
            }
            if (tls == Tls.NONE && !isLoopbackLiteral(host)) {
                throw new IllegalArgumentException("tls = none is allowed only for loopback hosts, not " + host);
            }
        }

        /** Defaults: connect timeout 10 s, read timeout 30 s, 64 KiB lines, 1 MiB + 64 KiB literals. */
        public static Settings of(String backend, String host, int port, Tls tls, Path caFile) {
            return new Settings(backend, host, port, tls, caFile, Duration.ofSeconds(10), Duration.ofSeconds(30),
                    DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_LITERAL_BYTES, DEFAULT_MAX_CAPABILITY_LINES);
        }

        public Settings withTimeouts(Duration connect, Duration read) {
            return new Settings(backend, host, port, tls, caFile, connect, read, maxLineBytes, maxLiteralBytes,
                    maxCapabilityLines);
        }

        public Settings withLimits(int lineBytes, int literalBytes, int capabilityLines) {
            return new Settings(backend, host, port, tls, caFile, connectTimeout, readTimeout, lineBytes, literalBytes,
                    capabilityLines);
        }
    }

    /** Final status of a command other than {@code BYE} (which is always an error). */
    public enum Status { OK, NO }

    /**
     * A response code such as {@code QUOTA/MAXSIZE} (name upper-cased) with its arguments.
     */
    public record ResponseCode(String name, List<String> args) {
        public ResponseCode {
            args = List.copyOf(args);
        }

        /** The first level of the hierarchy: {@code QUOTA} for {@code QUOTA/MAXSIZE}. */
        public String parent() {
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }
    }

    /**
     * The final line of a response.
     *
     * @param code {@code null} when the server gave none
     * @param text human-readable text, possibly several lines; empty when absent
     */
    public record Response(Status status, ResponseCode code, String text) {
        /** {@link #text()} split into its non-empty lines. */
        public List<String> lines() {
            return text.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** The server answered {@code NO}. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String command;
        private final transient Response response;

        RefusedException(String command, Response response) {
            super(command + " refused: " + oneLine(response.text()));
            this.command = command;
            this.response = response;
        }

        public String command() {
            return command;
        }

        public Response response() {
            return response;
        }
    }

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final int MAX_QUOTED_BYTES = 1024;
    private static final int MAX_LITERAL_DIGITS = 10;

    private final Settings settings;
    private final String where;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private long deadline;
    private long responseBudget;
    private Map<String, String> capabilities = Map.of();
    private boolean tlsVerified;
    private boolean authenticated;
    private boolean broken;

    private ManageSieveClient(Settings settings) {
        this.settings = settings;
        this.where = settings.host() + ":" + settings.port();
    }

    /** Connects, reads the greeting and, for {@link Tls#STARTTLS}, upgrades the connection. Close the result. */
    public static ManageSieveClient connect(Settings settings) {
        ManageSieveClient client = new ManageSieveClient(settings);
        try {
            client.open();
            return client;
        } catch (RuntimeException e) {
            client.closeSocket();
            throw e;
        }
    }

    private void open() {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(settings.host());
        } catch (IOException e) {
            throw unavailable("cannot resolve " + settings.host(), e);
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            if (settings.tls() == Tls.NONE && !address.isLoopbackAddress()) {
                throw unavailable(settings.host() + " resolves to " + address.getHostAddress()
                        + ", not loopback; tls = none is refused", null);
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, settings.port()),
                        (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
                socket = s;
                break;
            } catch (IOException e) {
                last = e;
                closeQuietly(s);
            }
        }
        if (socket == null) {
            throw unavailable("cannot connect to " + where + ": " + describe(last), last);
        }
        try {
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw unavailable("cannot use the connection to " + where, e);
        }
        capabilities = readCapabilities("greeting");
        if (settings.tls() == Tls.STARTTLS) {
            startTls();
        }
    }

    private void startTls() {
        if (!capabilities.containsKey("STARTTLS")) {
            throw unavailable("the server does not offer STARTTLS; refusing to authenticate without TLS", null);
        }
        send("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        Response response = readResponse("STARTTLS", null, Integer.MAX_VALUE);
        if (response.status() != Status.OK) {
            throw unavailable("STARTTLS refused: " + oneLine(response.text()), null);
        }
        if (pos < lim) {
            throw unavailable("data after the STARTTLS response (possible injection); refusing", null);
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, settings.host(), settings.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(timeoutMillis(settings.readTimeout()));
            socket = tls;
            tls.startHandshake();
            in = tls.getInputStream();
            out = tls.getOutputStream();
        } catch (SSLException e) {
            throw unavailable("TLS handshake with " + where + " failed (certificate not trusted or not for "
                    + settings.host() + "?): " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("TLS with " + where + " failed: " + describe(e), e);
        }
        tlsVerified = true;
        // RFC 5804 2.2: the server sends its capabilities again; what came before TLS is not trusted.
        capabilities = Map.of();
        capabilities = readCapabilities("STARTTLS");
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (settings.caFile() == null) {
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        }
        Collection<? extends Certificate> certificates;
        try (InputStream pem = Files.newInputStream(settings.caFile())) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + settings.caFile());
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca" + i++, certificate);
        }
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** Capabilities of the current state, names upper-cased, values as sent ({@code ""} when none). */
    public Map<String, String> capabilities() {
        return capabilities;
    }

    public boolean hasCapability(String name) {
        return capabilities.containsKey(name.toUpperCase(Locale.ROOT));
    }

    /** Whether STARTTLS completed with a verified certificate. */
    public boolean tlsVerified() {
        return tlsVerified;
    }

    /**
     * SASL PLAIN with initial response: {@code authzid NUL authcid NUL password}. Refused without verified TLS
     * unless {@link Tls#NONE} was configured; the payload is zeroed after sending.
     *
     * @throws RefusedException when the server says NO
     */
    public Response authenticatePlain(String authzid, String authcid, char[] password) {
        checkUsable();
        if (authenticated) {
            throw new IllegalStateException("already authenticated");
        }
        if (settings.tls() != Tls.NONE && !tlsVerified) {
            throw unavailable("refusing SASL PLAIN without verified TLS", null);
        }
        String mechanisms = capabilities.get("SASL");
        if (mechanisms == null || Arrays.stream(mechanisms.trim().split(" +")).noneMatch("PLAIN"::equalsIgnoreCase)) {
            throw unavailable("the server does not offer SASL PLAIN (SASL \"" + oneLine(String.valueOf(mechanisms))
                    + "\")", null);
        }
        requireSaslIdentity(authzid, "authorization identity");
        requireSaslIdentity(authcid, "authentication identity");
        byte[] z = authzid.getBytes(StandardCharsets.UTF_8);
        byte[] c = authcid.getBytes(StandardCharsets.UTF_8);
        byte[] p = encodeUtf8(CharBuffer.wrap(password));
        byte[] message = new byte[z.length + 1 + c.length + 1 + p.length];
        System.arraycopy(z, 0, message, 0, z.length);
        System.arraycopy(c, 0, message, z.length + 1, c.length);
        System.arraycopy(p, 0, message, z.length + c.length + 2, p.length);
        byte[] encoded = Base64.getEncoder().encode(message);
        byte[] prefix = "AUTHENTICATE \"PLAIN\" \"".getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[prefix.length + encoded.length + 3];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(encoded, 0, line, prefix.length, encoded.length);
        line[line.length - 3] = '"';
        line[line.length - 2] = '\r';
        line[line.length - 1] = '\n';
        try {
            send(line);
        } finally {
            Arrays.fill(p, (byte) 0);
            Arrays.fill(message, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
        Response response = expectOk("AUTHENTICATE", readResponse("AUTHENTICATE", null, 0));
        authenticated = true;
        return response;
    }

    /** LISTSCRIPTS: names in the server's order, the active one marked. */
    public List<SieveBackend.ScriptInfo> listScripts() {
        checkUsable();
        send(ascii("LISTSCRIPTS\r\n"));
        List<List<Token>> data = new ArrayList<>();
        expectOk("LISTSCRIPTS", readResponse("LISTSCRIPTS", data, Integer.MAX_VALUE));
        List<SieveBackend.ScriptInfo> scripts = new ArrayList<>();
        for (List<Token> line : data) {
            boolean active = line.size() == 2 && line.get(1) instanceof Atom a && a.text().equalsIgnoreCase("ACTIVE");
            if (!(line.get(0) instanceof Str name) || (line.size() != 1 && !active)) {
                throw badData("LISTSCRIPTS line");
            }
            scripts.add(new SieveBackend.ScriptInfo(name.utf8(), active));
        }
        return scripts;
    }

    /** GETSCRIPT: the script's bytes as sent by the server. */
    public byte[] getScript(String name) {
        checkUsable();
        send(ascii("GETSCRIPT "), quoted(name), ascii("\r\n"));
        List<List<Token>> data = new ArrayList<>();
        expectOk("GETSCRIPT", readResponse("GETSCRIPT", data, 1));
        if (data.size() != 1 || data.get(0).size() != 1 || !(data.get(0).get(0) instanceof Str script)) {
            throw badData("GETSCRIPT data");
        }
        return script.bytes();
    }

    /** PUTSCRIPT: stores the script if it compiles; the OK may carry a WARNINGS code. */
    public Response putScript(String name, String content) {
        checkUsable();
        byte[] script = encodeUtf8(CharBuffer.wrap(content));
        send(ascii("PUTSCRIPT "), quoted(name), ascii(" "), literalPrefix(script.length), script, ascii("\r\n"));
        return expectOk("PUTSCRIPT", readResponse("PUTSCRIPT", null, 0));
    }

    /** CHECKSCRIPT (needs VERSION): compiles without storing. */
    public Response checkScript(String content) {
        checkUsable();
        byte[] script = encodeUtf8(CharBuffer.wrap(content));
        send(ascii("CHECKSCRIPT "), literalPrefix(script.length), script, ascii("\r\n"));
        return expectOk("CHECKSCRIPT", readResponse("CHECKSCRIPT", null, 0));
    }

    public Response haveSpace(String name, long bytes) {
        checkUsable();
        if (bytes < 0 || bytes > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("size out of range: " + bytes);
        }
        send(ascii("HAVESPACE "), quoted(name), ascii(" " + bytes + "\r\n"));
        return expectOk("HAVESPACE", readResponse("HAVESPACE", null, 0));
    }

    /** SETACTIVE; {@code ""} deactivates. */
    public Response setActive(String name) {
        checkUsable();
        send(ascii("SETACTIVE "), name.isEmpty() ? ascii("\"\"") : quoted(name), ascii("\r\n"));
        return expectOk("SETACTIVE", readResponse("SETACTIVE", null, 0));
    }

    /** RENAMESCRIPT (needs VERSION). */
    public Response renameScript(String from, String to) {
        checkUsable();
        send(ascii("RENAMESCRIPT "), quoted(from), ascii(" "), quoted(to), ascii("\r\n"));
        return expectOk("RENAMESCRIPT", readResponse("RENAMESCRIPT", null, 0));
    }

    public Response deleteScript(String name) {
        checkUsable();
        send(ascii("DELETESCRIPT "), quoted(name), ascii("\r\n"));
        return expectOk("DELETESCRIPT", readResponse("DELETESCRIPT", null, 0));
    }

    public Response noop() {
        checkUsable();
        send(ascii("NOOP\r\n"));
        return expectOk("NOOP", readResponse("NOOP", null, 0));
    }

    /** LOGOUT and close; the server's OK or BYE both end the session. */
    public void logout() {
        checkUsable();
        try {
            send(ascii("LOGOUT\r\n"));
            readResponse("LOGOUT", null, 0);
        } catch (SieveUnavailableException e) {
            if (!(e.getCause() instanceof ByeException)) {
                throw e;
            }
        } finally {
            closeSocket();
        }
    }

    /** Sends LOGOUT if the session is healthy (errors ignored), then closes the connection. */
    @Override
    public void close() {
        if (socket != null && !broken && !socket.isClosed()) {
            try {
                logout();
            } catch (RuntimeException e) {
                // the session is over either way
            }
        }
        closeSocket();
    }

    // ---------------------------------------------------------------- validation

    /**
     * A script name acceptable to RFC 5804 (section 1.6) that fits a quoted string: non-empty, valid Unicode, no
     * control characters U+0000-001F, U+007F-009F, no U+2028/2029, at most 1024 UTF-8 bytes.
     *
     * @throws SieveException {@link SieveException.Code#INVALID_NAME} otherwise
     */
    public static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "a script name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= 0x1F || (ch >= 0x7F && ch <= 0x9F) || ch == 0x2028 || ch == 0x2029) {
                throw new SieveException(SieveException.Code.INVALID_NAME,
                        "script name contains control character U+" + String.format("%04X", (int) ch));
            }
        }
        byte[] bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(name)).array();
        } catch (CharacterCodingException e) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "script name is not valid Unicode");
        }
        if (bytes.length > MAX_QUOTED_BYTES) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "script name longer than 1024 bytes");
        }
    }

    private static void requireSaslIdentity(String id, String what) {
        if (id == null || id.isEmpty() || id.chars().anyMatch(ch -> ch == 0 || ch == '\r' || ch == '\n')) {
            throw new IllegalArgumentException(what + " must be non-empty without NUL, CR or LF");
        }
    }

    static boolean isLoopbackLiteral(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(h).matches();
    }

    // ---------------------------------------------------------------- writing

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] literalPrefix(int length) {
        return ascii("{" + length + "+}\r\n");
    }

    /** A quoted name: only {@code \"} and {@code \\} escaped; anything that may not be quoted is refused. */
    static byte[] quoted(String name) {
        requireValidName(name);
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream q = new ByteArrayOutputStream(raw.length + 8);
        q.write('"');
        for (byte b : raw) {
            if (b == '"' || b == '\\') {
                q.write('\\');
            }
            q.write(b);
        }
        q.write('"');
        return q.toByteArray();
    }

    private byte[] encodeUtf8(CharBuffer chars) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(chars);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text is not valid Unicode (lone surrogate)");
        }
    }

    private void send(byte[]... parts) {
        try {
            for (byte[] part : parts) {
                out.write(part);
            }
            out.flush();
        } catch (IOException e) {
            throw unavailable("cannot send to " + where + ": " + describe(e), e);
        }
    }

    // ---------------------------------------------------------------- reading

    private sealed interface Token permits Atom, Str, Paren {}

    private record Atom(String text) implements Token {}

    private record Str(byte[] bytes) implements Token {
        String utf8() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private record Paren(List<Token> items) implements Token {}

    /** Marks the cause of an unavailability that was the server's BYE. */
    private static final class ByeException extends IOException {
        private static final long serialVersionUID = 1L;

        ByeException(String message) {
            super(message);
        }
    }

    private Map<String, String> readCapabilities(String when) {
        List<List<Token>> data = new ArrayList<>();
        Response response = readResponse(when, data, settings.maxCapabilityLines());
        if (response.status() != Status.OK) {
            throw unavailable("the server refused the session (" + when + "): " + oneLine(response.text()), null);
        }
        Map<String, String> caps = new LinkedHashMap<>();
        for (List<Token> line : data) {
            if (line.size() > 2 || !(line.get(0) instanceof Str name)
                    || (line.size() == 2 && !(line.get(1) instanceof Str))) {
                throw badData("capability line");
            }
            String value = line.size() == 2 ? ((Str) line.get(1)).utf8() : "";
            caps.putIfAbsent(name.utf8().toUpperCase(Locale.ROOT), value);
        }
        if (!caps.containsKey("IMPLEMENTATION") && !caps.containsKey("SIEVE")) {
            throw badData("capability list without IMPLEMENTATION and SIEVE");
        }
        return Map.copyOf(caps);
    }

    /**
     * Reads data lines (into {@code data}, at most {@code maxDataLines}) up to the final OK/NO; BYE throws.
     */
    private Response readResponse(String command, List<List<Token>> data, int maxDataLines) {
        deadline = System.nanoTime() + settings.readTimeout().toNanos();
        responseBudget = (long) settings.maxLiteralBytes() + settings.maxLineBytes();
        int lines = 0;
        try {
            while (true) {
                List<Token> line = readLine();
                if (line.isEmpty()) {
                    throw malformed("empty line");
                }
                if (line.get(0) instanceof Atom atom) {
                    String word = atom.text().toUpperCase(Locale.ROOT);
                    if (word.equals("OK") || word.equals("NO") || word.equals("BYE")) {
                        Response response = finalLine(word, line);
                        if (word.equals("BYE")) {
                            String referral = response.code() != null && response.code().name().equals("REFERRAL")
                                    ? "; referral " + response.code().args() + " not followed" : "";
                            ByeException bye = new ByeException(oneLine(response.text()) + referral);
                            throw unavailable("the server ended the session during " + command + " (BYE "
                                    + bye.getMessage() + ")", bye);
                        }
                        return response;
                    }
                }
                if (data == null || ++lines > maxDataLines) {
                    throw malformed(data == null ? "unexpected data line in response to " + command
                            : "more than " + maxDataLines + " lines in response to " + command);
                }
                data.add(line);
            }
        } catch (SocketTimeoutException e) {
            throw unavailable("no complete answer to " + command + " within "
                    + settings.readTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw unavailable("reading the answer to " + command + " failed: " + describe(e), e);
        }
    }

    private Response finalLine(String word, List<Token> line) throws IOException {
        int i = 1;
        ResponseCode code = null;
        if (i < line.size() && line.get(i) instanceof Paren paren) {
            if (paren.items().isEmpty() || !(paren.items().get(0) instanceof Atom name)) {
                throw malformed("response code");
            }
            List<String> args = new ArrayList<>();
            for (Token t : paren.items().subList(1, paren.items().size())) {
                args.add(t instanceof Str s ? s.utf8() : t instanceof Atom a ? a.text() : "");
            }
            code = new ResponseCode(name.text().toUpperCase(Locale.ROOT), args);
            i++;
        }
        String text = "";
        if (i < line.size()) {
            if (!(line.get(i) instanceof Str s)) {
                throw malformed("response text");
            }
            text = s.utf8();
            i++;
        }
        if (i != line.size()) {
            throw malformed("trailing data after response text");
        }
        return new Response(word.equals("NO") ? Status.NO : Status.OK, code, text);
    }

    /** One line of tokens up to CRLF; literals are read inside the line. */
    private List<Token> readLine() throws IOException {
        int[] length = {0};
        List<Token> tokens = new ArrayList<>();
        while (true) {
            int c = next(length);
            if (c == '\r') {
                if (next(length) != '\n') {
                    throw malformed("CR without LF");
                }
                return tokens;
            } else if (c == ' ' && !tokens.isEmpty()) {
                tokens.add(readToken(next(length), length, false));
            } else if (tokens.isEmpty()) {
                tokens.add(readToken(c, length, false));
            } else {
                throw malformed("missing space between tokens");
            }
        }
    }

    private Token readToken(int c, int[] length, boolean inParen) throws IOException {
        if (c == '"') {
            return new Str(readQuoted(length));
        } else if (c == '{') {
            return new Str(readLiteral(length));
        } else if (c == '(' && !inParen) {
            List<Token> items = new ArrayList<>();
            int d = next(length);
            while (d != ')') {
                items.add(readToken(d, length, true));
                d = next(length);
                if (d != ')') {
                    if (d != ' ') {
                        throw malformed("response code");
                    }
                    d = next(length);
                }
            }
            return new Paren(items);
        } else if (isAtomChar(c)) {
            StringBuilder atom = new StringBuilder();
            atom.append((char) c);
            while (isAtomChar(peek())) {
                atom.append((char) next(length));
            }
            return new Atom(atom.toString());
        }
        throw malformed("unexpected byte 0x" + Integer.toHexString(c));
    }

    private static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7F && c != '"' && c != '(' && c != ')' && c != '{' && c != '\\';
    }

    private byte[] readQuoted(int[] length) throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        while (true) {
            int c = next(length);
            if (c == '"') {
                return s.toByteArray();
            }
            if (c == '\\') {
                c = next(length);
                if (c != '"' && c != '\\') {
                    throw malformed("bad escape in quoted string");
                }
            } else if (c == '\r' || c == '\n' || c == 0) {
                throw malformed("CR, LF or NUL in quoted string");
            }
            s.write(c);
        }
    }

    /** {@code {N}} CRLF and exactly N bytes; N is checked against the limits before anything is read. */
    private byte[] readLiteral(int[] length) throws IOException {
        long size = 0;
        int digits = 0;
        int c = next(length);
        while (c >= '0' && c <= '9') {
            if (++digits > MAX_LITERAL_DIGITS) {
                throw malformed("literal size too long");
            }
            size = size * 10 + (c - '0');
            c = next(length);
        }
        if (digits == 0 || c != '}') {
            throw malformed("bad literal size");
        }
        if (size > settings.maxLiteralBytes() || size > responseBudget) {
            throw malformed("literal of " + size + " bytes exceeds the limit of "
                    + Math.min(settings.maxLiteralBytes(), responseBudget) + " bytes");
        }
        if (next(length) != '\r' || next(length) != '\n') {
            throw malformed("literal size not followed by CRLF");
        }
        ByteArrayOutputStream literal = new ByteArrayOutputStream((int) Math.min(size, buf.length));
        long remaining = size;
        while (remaining > 0) {
            if (pos == lim) {
                fill();
            }
            int n = (int) Math.min(remaining, lim - pos);
            literal.write(buf, pos, n);
            pos += n;
            remaining -= n;
        }
        responseBudget -= size;
        return literal.toByteArray();
    }

    private int next(int[] length) throws IOException {
        if (++length[0] > settings.maxLineBytes()) {
            throw malformed("response line longer than " + settings.maxLineBytes() + " bytes");
        }
        if (--responseBudget < 0) {
            throw malformed("response larger than " + (settings.maxLiteralBytes() + settings.maxLineBytes())
                    + " bytes");
        }
        if (pos == lim) {
            fill();
        }
        return buf[pos++] & 0xFF;
    }

    private int peek() throws IOException {
        if (pos == lim) {
            fill();
        }
        return buf[pos] & 0xFF;
    }

    private void fill() throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("read deadline passed");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000)));
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("connection closed by the server");
        }
        pos = 0;
        lim = n;
    }

    // ---------------------------------------------------------------- errors

    private Response expectOk(String command, Response response) {
        if (response.status() == Status.NO) {
            throw new RefusedException(command, response);
        }
        return response;
    }

    private void checkUsable() {
        if (broken || socket == null || socket.isClosed()) {
            throw new IllegalStateException("the ManageSieve session is closed");
        }
    }

    private IOException malformed(String what) {
        return new MalformedException("malformed response from " + where + ": " + what);
    }

    private SieveUnavailableException badData(String what) {
        return unavailable("malformed response from " + where + ": " + what, null);
    }

    private static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private SieveUnavailableException unavailable(String message, Throwable cause) {
        broken = true;
        closeSocket();
        return new SieveUnavailableException(settings.backend(), message, cause);
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "no address";
        }
        if (e instanceof MalformedException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Server text for messages: lines joined, control characters shown as {@code \\uXXXX}. */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (b.length() > 0) {
                b.append(" / ");
            }
            line.codePoints().forEach(cp -> {
                if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
                    b.append(String.format("\\u%04X", cp));
                } else {
                    b.appendCodePoint(cp);
                }
            });
            if (b.length() > 1000) {
                b.setLength(1000);
                b.append('…');
                break;
            }
        }
        return b.toString();
    }

    private void closeSocket() {
        if (socket != null) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
