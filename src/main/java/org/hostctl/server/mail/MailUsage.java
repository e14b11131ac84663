package org.hostctl.server.mail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mailbox usage, from one source whatever the mailbox's state: the messages in its maildir, each counted with the
 * virtual size Dovecot records in the file name ({@code ,W=}; else {@code ,S=}; else the file's size). That is what
 * Dovecot's quota counts ({@code quota = count}, {@code quota_vsizes = yes}), to the byte, and it can be read for a
 * disabled or deleted mailbox too, which Dovecot's userdb (and so {@code doveadm}) no longer knows; Dovecot's own
 * index, cache and uidlist files, Sieve scripts and deliveries still in {@code tmp/} are not mail and not counted.
 */
public final class MailUsage {
    private static final Pattern VSIZE = Pattern.compile(",W=([0-9]{1,18})");
    private static final Pattern SIZE = Pattern.compile(",S=([0-9]{1,18})");

    private final Path root;

    /**
     * @param root the directory holding {@code <domain>/<local>} maildir homes
     */
    public MailUsage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Usage in bytes, null when unknown, and where it came from. */
    public record Usage(Long bytes, String source) {}

    public Path root() {
        return root;
    }

    /** The usage of the mailbox whose home is {@code maildir} below the root. */
    public Usage usage(String maildir) {
        return new Usage(messageBytes(home(maildir)), "maildir");
    }

    /** Removes a maildir home and everything in it, never following a symbolic link. */
    public void removeMaildir(String maildir) {
        Path home = home(maildir);
        if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + home + ": " + e.getMessage(), e);
        }
    }

    private Path home(String maildir) {
        Path home = root.resolve(maildir).normalize();
        if (!home.startsWith(root) || home.equals(root)) {
            throw new IllegalArgumentException("maildir outside the mail root: " + maildir);
        }
        return home;
    }

    private static Long messageBytes(Path home) {
        long[] total = {0};
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path dir = file.getParent();
                    String in = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
                    if (attrs.isRegularFile() && (in.equals("cur") || in.equals("new"))) {
                        total[0] += messageSize(file.getFileName().toString(), attrs.size());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
            return total[0];
        } catch (NoSuchFileException e) {
            return 0L;
        } catch (IOException e) {
            return null;
        }
    }

    /** The size Dovecot counts for a message file: {@code ,W=} of its name, else {@code ,S=}, else its length. */
    static long messageSize(String name, long fileSize) {
        int info = name.indexOf(':');
        String base = info < 0 ? name : name.substring(0, info);
        Matcher w = VSIZE.matcher(base);
        if (w.find()) {
            return Long.parseLong(w.group(1));
        }
        Matcher sz = SIZE.matcher(base);
        return sz.find() ? Long.parseLong(sz.group(1)) : fileSize;
    }
}
