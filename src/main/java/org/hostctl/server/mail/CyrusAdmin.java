package org.hostctl.server.mail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Administers the mailboxes of one Cyrus IMAP backend through IMAP as its admin user (Cyrus's own administration
 * protocol, what {@code cyradm} speaks): CREATE, SETQUOTA, GETQUOTAROOT, SETACL/DELETEACL, DELETE. A mailbox
 * {@code alice@example.com} is Cyrus's {@code user/alice@example.com} ({@code virtdomains: userid},
 * {@code unixhierarchysep: yes}, as in the provider kit's {@code cyrus/imapd.conf}).
 *
 * <p>One connection per operation, every read bounded by the timeout and by {@value #MAX_LINE} bytes a line; the
 * password leaves only inside the AUTHENTICATE PLAIN payload and is never logged. Transport trouble is an
 * {@link Unavailable}, a {@code NO}/{@code BAD} a {@link Refused}, both naming the backend.
 */
public final class CyrusAdmin {
    /** The largest STORAGE limit Cyrus takes, in KiB (a larger number closes the connection). */
    public static final long MAX_STORAGE_KIB = Integer.MAX_VALUE;
    /** Rights of the owner of an open mailbox (Cyrus's {@code all}). */
    static final String OWNER_RIGHTS = "lrswipkxtecdan";
    private static final int MAX_LINE = 64 * 1024;
    private static final Pattern QUOTA_STORAGE = Pattern.compile("\\(.*\\bSTORAGE (\\d{1,19}) (\\d{1,19})\\b.*\\)");
    private static final Pattern EMAIL = Pattern.compile("[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}");

    /** The backend cannot be reached or answered what is not IMAP. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The backend answered NO or BAD. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final String backend;
    private final String host;
    private final int port;
    private final String user;
    private final char[] password;
    private final Duration timeout;

    /**
     * @param backend name in errors
     * @param user the admin (the kit's {@code hostd-admin})
     * @param password copied; the caller may clear its array
     */
    public CyrusAdmin(String backend, String host, int port, String user, char[] password, Duration timeout) {
        if (user == null || user.isBlank() || user.matches(".*[\\x00-\\x20\"\\\\].*")) {
            throw new IllegalArgumentException("the admin user must be a name without spaces, quotes or controls");
        }
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the admin password is empty");
        }
        this.backend = backend;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password.clone();
        this.timeout = timeout;
    }

    /** Cyrus's name of a mailbox's INBOX. */
    public static String mailboxName(String email) {
        if (!EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("not a hostd mailbox address: " + email);
        }
        int at = email.indexOf('@');
        return "user/" + email.substring(0, at) + email.substring(at);
    }

    /** Storage limit in KiB for a quota in bytes (rounded up; 0, unlimited, is the largest limit Cyrus takes). */
    public static long storageKib(long quotaBytes) {
        if (quotaBytes == 0) {
            return MAX_STORAGE_KIB;
        }
        long kib = (quotaBytes + 1023) / 1024;
        if (kib > MAX_STORAGE_KIB) {
            throw new IllegalArgumentException("a Cyrus quota can be at most " + MAX_STORAGE_KIB * 1024 + " bytes");
        }
        return kib;
    }

    /** Creates the mailbox (an existing one is kept) and sets its quota and its owner's rights. */
    public void create(String email, long quotaBytes) {
        String box = mailboxName(email);
        long kib = storageKib(quotaBytes);
        try (Session s = open()) {
            Reply created = s.command("CREATE " + quote(box));
            if (!created.ok() && !created.text().contains("already exists")) {
                throw refused("CREATE " + box, created);
            }
            s.require("SETQUOTA " + quote(box) + " (STORAGE " + kib + ")");
            s.require("SETACL " + quote(box) + " " + quote(email) + " " + OWNER_RIGHTS);
        }
    }

    /** Sets the quota of the mailbox's quota root. */
    public void setQuota(String email, long quotaBytes) {
        String box = mailboxName(email);
        long kib = storageKib(quotaBytes);
        try (Session s = open()) {
            s.require("SETQUOTA " + quote(box) + " (STORAGE " + kib + ")");
        }
    }

    /**
     * Opens or closes the mailbox to its owner: SETACL with all rights, or DELETEACL (Cyrus leaves the owner only
     * its implicit rights to see and administer it, nothing to read or post).
     */
    public void setOpen(String email, boolean open) {
        String box = mailboxName(email);
        try (Session s = open()) {
            s.require(open ? "SETACL " + quote(box) + " " + quote(email) + " " + OWNER_RIGHTS
                    : "DELETEACL " + quote(box) + " " + quote(email));
        }
    }

    /** Bytes in use under the mailbox's quota root (Cyrus counts KiB), null when it has none. */
    public Long usageBytes(String email) {
        String box = mailboxName(email);
        try (Session s = open()) {
            Reply r = s.require("GETQUOTAROOT " + quote(box));
            for (String line : r.untagged()) {
                if (line.startsWith("* QUOTA ")) {
                    Matcher m = QUOTA_STORAGE.matcher(line);
                    if (m.find()) {
                        return Long.parseLong(m.group(1)) * 1024;
                    }
                }
            }
            return null;
        }
    }

    /** Whether the mailbox exists. */
    public boolean exists(String email) {
        String box = mailboxName(email);
        try (Session s = open()) {
            Reply r = s.require("LIST \"\" " + quote(box));
            return r.untagged().stream().anyMatch(l -> l.startsWith("* LIST ") && l.endsWith(" " + box));
        }
    }

    /**
     * Deletes the mailbox with its folders (Cyrus's {@code delete_mode: delayed} keeps it under {@code DELETED/}
     * until {@code cyr_expire}); a missing one is no error. The admin first gives itself the right to delete.
     */
    public void delete(String email) {
        String box = mailboxName(email);
        try (Session s = open()) {
            Reply acl = s.command("SETACL " + quote(box) + " " + quote(user) + " x");
            if (!acl.ok() && acl.text().contains("does not exist")) {
                return;
            }
            if (!acl.ok()) {
                throw refused("SETACL " + box, acl);
            }
            Reply deleted = s.command("DELETE " + quote(box));
            if (!deleted.ok() && !deleted.text().contains("does not exist")) {
                throw refused("DELETE " + box, deleted);
            }
        }
    }

    // ---------------------------------------------------------------- protocol

    private record Reply(String status, String text, List<String> untagged) {
        boolean ok() {
            return "OK".equals(status);
        }
    }

    private Refused refused(String what, Reply r) {
        return new Refused("Cyrus backend " + backend + " refused " + what + ": " + r.status() + " "
                + oneLine(r.text()));
    }

    private Session open() {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            Session s = new Session(socket);
            s.login();
            return s;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the connect or login failure is the interesting error
            }
            throw new Unavailable("Cyrus backend " + backend + " (" + host + ":" + port + ") cannot be reached: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + oneLine(e.getMessage())), e);
        }
    }

    private final class Session implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            String greeting = readLine();
            if (!greeting.startsWith("* OK")) {
                throw new IOException("unexpected greeting " + oneLine(greeting));
            }
        }

        void login() throws IOException {
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            byte[] p = new String(password).getBytes(StandardCharsets.UTF_8);
            byte[] plain = new byte[u.length + p.length + 2];
            plain[0] = 0;
            System.arraycopy(u, 0, plain, 1, u.length);
            plain[u.length + 1] = 0;
            System.arraycopy(p, 0, plain, u.length + 2, p.length);
            byte[] encoded = Base64.getEncoder().encode(plain);
            Arrays.fill(plain, (byte) 0);
            Arrays.fill(p, (byte) 0);
            Reply r;
            try {
                r = send("AUTHENTICATE PLAIN ", encoded);
            } finally {
                Arrays.fill(encoded, (byte) 0);
            }
            if (!r.ok()) {
                throw new IOException("the admin " + user + " cannot log in: " + r.status() + " " + oneLine(r.text()));
            }
        }

        Reply command(String command) {
            try {
                return send(command, new byte[0]);
            } catch (IOException e) {
                throw new Unavailable("Cyrus backend " + backend + " stopped answering: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + oneLine(e.getMessage())), e);
            }
        }

        Reply require(String command) {
            Reply r = command(command);
            if (!r.ok()) {
                throw refused(command.substring(0, command.indexOf(' ')), r);
            }
            return r;
        }

        private Reply send(String command, byte[] tail) throws IOException {
            String t = "h" + (++tag);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.write((t + " " + command).getBytes(StandardCharsets.UTF_8));
            line.write(tail);
            line.write('\r');
            line.write('\n');
            out.write(line.toByteArray());
            out.flush();
            List<String> untagged = new ArrayList<>();
            while (true) {
                String l = readLine();
                if (l.startsWith(t + " ")) {
                    String rest = l.substring(t.length() + 1);
                    int space = rest.indexOf(' ');
                    return new Reply(space < 0 ? rest : rest.substring(0, space),
                            space < 0 ? "" : rest.substring(space + 1), List.copyOf(untagged));
                }
                if (l.startsWith("* BYE")) {
                    throw new IOException("the server closed the session: " + oneLine(l));
                }
                if (untagged.size() > 10_000) {
                    throw new IOException("too many untagged responses");
                }
                untagged.add(l);
            }
        }

        /** One line; a literal ({@code {N}}) is read and appended as is, bounded by the same limit. */
        private String readLine() throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (buffer.size() > MAX_LINE) {
                    throw new IOException("response line longer than " + MAX_LINE + " bytes");
                }
                if (b == '\n') {
                    String s = buffer.toString(StandardCharsets.UTF_8);
                    s = s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                    Matcher m = Pattern.compile("\\{(\\d{1,6})\\+?}$").matcher(s);
                    if (!m.find()) {
                        return s;
                    }
                    int n = Integer.parseInt(m.group(1));
                    if (buffer.size() + n > MAX_LINE) {
                        throw new IOException("literal too large");
                    }
                    buffer.write(in.readNBytes(n));
                    continue;
                }
                buffer.write(b);
            }
        }

        @Override
        public void close() {
            try {
                out.write(("h" + (++tag) + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    /** An IMAP quoted string; hostd's names carry no quote, backslash or control character. */
    private static String quote(String s) {
        if (s.matches(".*[\"\\\\\\x00-\\x1f\\x7f].*")) {
            throw new IllegalArgumentException("cannot quote " + s);
        }
        return "\"" + s + "\"";
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\x00-\\x1f\\x7f]+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
