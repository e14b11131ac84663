package org.hostctl.server.sieve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailboxRow;

/**
 * Files in mailbox homes ({@code <mail.root>/<maildir>}, the home Dovecot's userdb query returns). No symbolic link
 * is followed on the way from the mail root to a file; missing directories are created (mode 0700); files are
 * written to a temporary file in the same directory and renamed over the target. When hostd may give files away (as
 * root, or with CAP_CHOWN as the systemd unit runs it), what it creates gets the owner and group of the directory it
 * is created in, so Dovecot's mail user can read it.
 */
public final class MailHomes {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String TEMP_PREFIX = ".hostd-tmp-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MailRepository mail;
    private final Path root;

    public MailHomes(MailRepository mail, Path mailRoot) {
        this.mail = mail;
        this.root = mailRoot.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The home of a mailbox, created when missing; refused when it or a directory on the way is a link. */
    public Path home(String user) {
        MailboxRow row = mail.mailbox(user).orElseThrow(() -> new SieveException(SieveException.Code.NONEXISTENT,
                "no mailbox " + user));
        Path home = root.resolve(row.maildir()).normalize();
        if (!home.startsWith(root) || home.equals(root)) {
            throw new IllegalStateException("maildir of " + user + " is outside the mail root: " + row.maildir());
        }
        if (!Files.exists(root, NOFOLLOW)) {
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the mail root " + root, e);
            }
        }
        Path dir = root;
        requireDirectory(dir);
        for (Path part : root.relativize(home)) {
            dir = ensureDirectory(dir, part.toString());
        }
        return dir;
    }

    /** The home of a mailbox when it exists (never created); refused when a directory on the way is a link. */
    public Optional<Path> existingHome(String user) {
        Optional<MailboxRow> row = mail.mailbox(user);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Path home = root.resolve(row.get().maildir()).normalize();
        if (!home.startsWith(root) || home.equals(root)) {
            throw new IllegalStateException("maildir of " + user + " is outside the mail root: " + row.get().maildir());
        }
        Path dir = root;
        if (stat(dir).isEmpty()) {
            return Optional.empty();
        }
        requireDirectory(dir);
        for (Path part : root.relativize(home)) {
            dir = dir.resolve(part);
            if (stat(dir).isEmpty()) {
                return Optional.empty();
            }
            requireDirectory(dir);
        }
        return Optional.of(dir);
    }

    /** A directory below {@code parent}, created when missing; refused when it is a link or not a directory. */
    public Path ensureDirectory(Path parent, String name) {
        Path dir = parent.resolve(name);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            inheritOwner(parent, dir);
        } catch (FileAlreadyExistsException e) {
            // checked below
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        requireDirectory(dir);
        return dir;
    }

    /** The attributes of a file without following a link; empty when it does not exist. */
    public static Optional<PosixFileAttributes> stat(Path file) {
        try {
            return Optional.of(Files.readAttributes(file, PosixFileAttributes.class, NOFOLLOW));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of " + file, e);
        }
    }

    /** A regular file's content, at most {@code maxBytes}; empty when missing; refused when it is a link. */
    public static Optional<byte[]> read(Path file, int maxBytes) {
        Optional<PosixFileAttributes> a = stat(file);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        if (!a.get().isRegularFile()) {
            throw unsafe(file + " is not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW);
                InputStream in = Channels.newInputStream(ch)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new SieveException(SieveException.Code.QUOTA, file.getFileName() + " is larger than "
                        + maxBytes + " bytes");
            }
            return Optional.of(b);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes {@code dir/name} atomically: a new temporary file (0600) in {@code dir}, synced, renamed over it. */
    public static void writeAtomically(Path dir, String name, byte[] content) {
        Path tmp = tempName(dir);
        try {
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, NOFOLLOW),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    OutputStream out = Channels.newOutputStream(ch)) {
                out.write(content);
                out.flush();
                ch.force(true);
            }
            inheritOwner(dir, tmp);
            Path target = dir.resolve(name);
            Optional<PosixFileAttributes> existing = stat(target);
            if (existing.isPresent() && existing.get().isDirectory()) {
                throw unsafe(target + " is a directory");
            }
            move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Points the link {@code dir/name} at {@code target} atomically (a new link renamed over the old one). */
    public static void replaceLink(Path dir, String name, String target) {
        Path tmp = tempName(dir);
        try {
            Files.createSymbolicLink(tmp, Path.of(target));
            inheritOwner(dir, tmp);
            move(tmp, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + dir.resolve(name), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Removes a file or link (never what a link points to); false when there was none. */
    public static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    static SieveException unsafe(String message) {
        return new SieveException(SieveException.Code.REFUSED, "unsafe mailbox home: " + message);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically", e);
        }
    }

    private static Path tempName(Path dir) {
        return dir.resolve(TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void requireDirectory(Path dir) {
        PosixFileAttributes a = stat(dir).orElseThrow(() -> unsafe(dir + " does not exist"));
        if (a.isSymbolicLink()) {
            throw unsafe(dir + " is a symbolic link");
        }
        if (!a.isDirectory()) {
            throw unsafe(dir + " is not a directory");
        }
    }

    /**
     * Gives {@code created} the owner and group of {@code parent}: as root, or as the shipped systemd unit runs hostd
     * (its own user with CAP_CHOWN). Without that privilege (a developer's hostd) the files stay hostd's.
     */
    private static void inheritOwner(Path parent, Path created) throws IOException {
        PosixFileAttributes p = Files.readAttributes(parent, PosixFileAttributes.class, NOFOLLOW);
        PosixFileAttributes c = Files.readAttributes(created, PosixFileAttributes.class, NOFOLLOW);
        if (p.owner().equals(c.owner()) && p.group().equals(c.group())) {
            return;
        }
        java.nio.file.attribute.PosixFileAttributeView view =
                Files.getFileAttributeView(created, java.nio.file.attribute.PosixFileAttributeView.class, NOFOLLOW);
        try {
            view.setOwner(p.owner());
            view.setGroup(p.group());
        } catch (java.nio.file.FileSystemException e) {
            if (isRoot()) {
                throw e;
            }
        }
    }

    private static boolean isRoot() {
        return SieveTools.isRoot();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary file is harmless
        }
    }
}
