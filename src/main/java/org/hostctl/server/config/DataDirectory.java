package org.hostctl.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The modes of hostd's data directory and store. The store holds every tenant's password and token hashes; it
 * belongs to hostd's user and to one group that hostd, Dovecot and Postfix share, and to nobody else:
 *
 * <ul>
 *   <li>the data directory {@code 2770} (rwxrws---): the group may create SQLite's {@code -wal} and {@code -shm}
 *       files when Dovecot or Postfix opens the store first, and the set-group-ID bit gives every file created in
 *       it that group;
 *   <li>{@code hostd.db} {@code 0660}; SQLite gives {@code -wal} and {@code -shm} the mode of the database file,
 *       whoever creates them and whatever their umask;
 *   <li>{@code hostd.yaml} {@code 0640}.
 * </ul>
 *
 * hostd creates them so, and refuses to start when the store or its directory can be read or written by other
 * users. Search permission alone ({@code o+x}) on the directory is allowed: it lets Dovecot's mail user reach a
 * {@code mail.root} inside it without listing it or reading the store.
 */
public final class DataDirectory {
    /** rwxrws---. */
    static final int DIRECTORY_MODE = 02770;
    /** rw-rw----. */
    static final int STORE_MODE = 0660;
    private static final int OTHERS_READ_WRITE = 0006;

    private DataDirectory() {}

    /** Creates {@code dir} (and missing parents, with the default modes) with mode 2770, unless it exists. */
    public static void create(Path dir) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir);
            Files.setAttribute(dir, "unix:mode", DIRECTORY_MODE);
        } catch (FileAlreadyExistsException e) {
            // created meanwhile by another hostd command; checked by requirePrivate
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the empty SQLite file {@code db} with mode 0660, unless it exists (SQLite takes an empty file for a
     * new database; created by SQLite itself it would get 0644 less the umask).
     */
    public static void createStore(Path db) {
        try {
            Files.createFile(db);
            Files.setAttribute(db, "unix:mode", STORE_MODE);
        } catch (FileAlreadyExistsException e) {
            // checked by requirePrivate
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a directory or file that other users may read or write, in one line naming the path and the fix.
     * A path that does not exist passes.
     *
     * @throws IllegalArgumentException when it is open to other users
     */
    public static void requirePrivate(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mode of " + path + ": " + e.getMessage(), e);
        }
        if ((mode & OTHERS_READ_WRITE) != 0) {
            String kind = Files.isDirectory(path) ? "directory" : "file";
            throw new IllegalArgumentException(String.format("%s %s is open to every user (mode %04o); it holds"
                    + " password and token hashes: run chmod o-rwx %s", kind, path, mode & 07777, path));
        }
    }
}
