package org.hostctl.server.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * File access inside one account's webspace for a hostd that may run as root.
 *
 * <p>Every operation opens the webspace root and walks down one directory at a time with
 * {@link SecureDirectoryStream} ({@code openat(O_NOFOLLOW)}), so a symbolic link anywhere below the root is
 * refused and a directory swapped for a link during the operation cannot redirect it: the final step happens
 * relative to the directory descriptor already open. Each directory and each existing file touched must be
 * owned by the account (the owner of the webspace root). Writes go to an unguessable temporary file in the
 * same directory, are flushed to disk and renamed over the target, so hard links are never written through.
 *
 * <p>Known limits of the JDK API: directories are opened without {@code O_DIRECTORY|O_NONBLOCK}, and there is
 * no {@code fchown} on a channel. hostd therefore checks the kind of each entry before opening it; a tenant who
 * replaces it with a FIFO in the microseconds between check and open can stall the calling thread (callers
 * bound operations with a timeout), and ownership/mode of the temporary file are set by name after checking
 * that the name still refers to the file hostd created. Neither lets a write leave the webspace.
 */
public final class SafeFiles {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String TEMP_PREFIX = ".hostd-tmp-";
    private static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> TEMP_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final SecureRandom random = new SecureRandom();

    /** Binds to a webspace root configured by the provider (trusted; may itself be reached through links). */
    public SafeFiles(Path webspaceRoot) {
        this.root = webspaceRoot.toAbsolutePath();
    }

    /** The webspace root this instance is bound to. */
    public Path root() {
        return root;
    }

    /**
     * Reads a regular file of at most {@code maxBytes}; empty when it (or its directory) does not exist.
     *
     * @throws UnsafePathException for links, non-regular files, foreign ownership or a file that is too large
     */
    public Optional<byte[]> read(WebPath dir, String fileName, int maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative");
        }
        WebPath file = dir.resolve(fileName);
        try (OpenDir d = open(dir, false)) {
            Path name = name(fileName);
            Optional<PosixFileAttributes> attrs = attributes(d.stream(), name);
            if (attrs.isEmpty()) {
                return Optional.empty();
            }
            requireOwnedRegularFile(attrs.get(), file, d.account());
            if (attrs.get().size() > maxBytes) {
                throw tooLarge(file, maxBytes);
            }
            try (SeekableByteChannel channel = openFile(d.stream(), name, file,
                    Set.of(StandardOpenOption.READ, NOFOLLOW))) {
                return Optional.of(readAtMost(channel, file, maxBytes));
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Kind, size and ownership of a path, without following links; ancestors must be safe directories. */
    public PathInfo stat(WebPath path) throws IOException {
        if (path.isRoot()) {
            try (OpenDir d = open(path, false)) {
                return info(d.attributes(), d.account());
            }
        }
        try (OpenDir d = open(path.parent(), false)) {
            Optional<PosixFileAttributes> attrs = attributes(d.stream(), name(path.name()));
            return attrs.isEmpty() ? PathInfo.MISSING : info(attrs.get(), d.account());
        } catch (NoSuchFileException e) {
            return PathInfo.MISSING;
        }
    }

    /** True if the path is a real directory (not a link to one). */
    public boolean isDirectory(WebPath path) throws IOException {
        return stat(path).kind() == PathInfo.Kind.DIRECTORY;
    }

    /**
     * Replaces (or creates) {@code dir/fileName} atomically: temporary file, fsync, owner/group/mode copied from
     * the existing target (for a new file: owner and group of the directory, mode 0644), then rename.
     *
     * @throws UnsafePathException if the target is a link or not a regular file, or a directory is unsafe
     * @throws NoSuchFileException if {@code dir} does not exist (directories are never created)
     */
    public void writeAtomically(WebPath dir, String fileName, byte[] content) throws IOException {
        WebPath file = dir.resolve(fileName);
        try (OpenDir d = open(dir, true)) {
            Path name = name(fileName);
            Optional<PosixFileAttributes> existing = attributes(d.stream(), name);
            existing.ifPresent(a -> requireOwnedRegularFile(a, file, d.account()));
            UserPrincipal owner = existing.map(PosixFileAttributes::owner).orElse(d.attributes().owner());
            GroupPrincipal group = existing.map(PosixFileAttributes::group).orElse(d.attributes().group());
            Set<PosixFilePermission> mode = existing.map(PosixFileAttributes::permissions).orElse(NEW_FILE_MODE);

            Path temp = name(TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
            Object key = createAndWrite(d.stream(), temp, content, TEMP_MODE);
            boolean moved = false;
            try {
                applyOwnership(d.stream(), temp, key, owner, group, mode);
                d.stream().move(temp, d.stream(), name);
                moved = true;
            } finally {
                if (!moved) {
                    deleteQuietly(d.stream(), temp);
                }
            }
        }
    }

    /**
     * Creates a new file (fails if anything exists under that name), owned like its directory, mode 0644.
     *
     * @throws java.nio.file.FileAlreadyExistsException if the name is taken
     */
    public void createNew(WebPath dir, String fileName, byte[] content) throws IOException {
        try (OpenDir d = open(dir, true)) {
            Path name = name(fileName);
            Object key = createAndWrite(d.stream(), name, content, NEW_FILE_MODE);
            boolean done = false;
            try {
                applyOwnership(d.stream(), name, key, d.attributes().owner(), d.attributes().group(),
                        NEW_FILE_MODE);
                done = true;
            } finally {
                if (!done) {
                    deleteQuietly(d.stream(), name);
                }
            }
        }
    }

    /**
     * Deletes a regular file owned by the account; false if it does not exist.
     *
     * @throws UnsafePathException for links, non-regular files or foreign ownership
     */
    public boolean delete(WebPath dir, String fileName) throws IOException {
        WebPath file = dir.resolve(fileName);
        try (OpenDir d = open(dir, true)) {
            Path name = name(fileName);
            Optional<PosixFileAttributes> attrs = attributes(d.stream(), name);
            if (attrs.isEmpty()) {
                return false;
            }
            requireOwnedRegularFile(attrs.get(), file, d.account());
            try {
                d.stream().deleteFile(name);
            } catch (NoSuchFileException e) {
                return false;
            }
            return true;
        }
    }

    /**
     * Depth-first list of {@code start} and the directories below it, in name order, never following links and
     * skipping directories not owned by the account; stops after {@code maxDepth} levels or {@code maxEntries}
     * directories, whichever comes first.
     */
    public List<WebPath> walkDirectories(WebPath start, int maxDepth, int maxEntries) throws IOException {
        List<WebPath> result = new ArrayList<>();
        if (maxEntries <= 0) {
            return result;
        }
        try (OpenDir d = open(start, false)) {
            walk(d.stream(), start, 0, maxDepth, maxEntries, d.account(), result);
        }
        return result;
    }

    /**
     * The entries of {@code dir} in name order with their kind, size and ownership, looked at without following
     * links; names hostd cannot address are left out.
     */
    public java.util.SortedMap<String, PathInfo> list(WebPath dir) throws IOException {
        java.util.SortedMap<String, PathInfo> out = new java.util.TreeMap<>();
        try (OpenDir d = open(dir, false)) {
            for (Path entry : d.stream()) {
                Path name = entry.getFileName();
                try {
                    WebPath.requireValidSegment(name.toString());
                } catch (UnsafePathException e) {
                    continue;
                }
                Optional<PosixFileAttributes> attrs = attributes(d.stream(), name);
                attrs.ifPresent(a -> out.put(name.toString(), info(a, d.account())));
            }
        }
        return out;
    }

    private void walk(SecureDirectoryStream<Path> dir, WebPath path, int depth, int maxDepth, int maxEntries,
            UserPrincipal account, List<WebPath> result) throws IOException {
        result.add(path);
        if (depth >= maxDepth) {
            return;
        }
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            names.add(entry.getFileName());
        }
        names.sort(null);
        for (Path name : names) {
            if (result.size() >= maxEntries) {
                return;
            }
            WebPath child;
            try {
                child = path.resolve(name.toString());
            } catch (UnsafePathException e) {
                continue; // a name hostd cannot address is not audited
            }
            Optional<PosixFileAttributes> attrs = attributes(dir, name);
            if (attrs.isEmpty() || !attrs.get().isDirectory() || !attrs.get().owner().equals(account)) {
                continue;
            }
            try (SecureDirectoryStream<Path> sub = descend(dir, name, child, account)) {
                walk(sub, child, depth + 1, maxDepth, maxEntries, account, result);
            } catch (UnsafePathException | NoSuchFileException e) {
                // replaced or removed since it was listed: skip
            }
        }
    }

    private record OpenDir(SecureDirectoryStream<Path> stream, PosixFileAttributes attributes,
            UserPrincipal account) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /** Opens {@code dir} by walking from the root; every directory must be owned by the account. */
    private OpenDir open(WebPath dir, boolean forWrite) throws IOException {
        SecureDirectoryStream<Path> current = openRoot();
        try {
            PosixFileAttributes rootAttrs = fstat(current);
            UserPrincipal account = rootAttrs.owner();
            PosixFileAttributes attrs = rootAttrs;
            WebPath walked = WebPath.root();
            for (String segment : dir.segments()) {
                walked = walked.resolve(segment);
                SecureDirectoryStream<Path> next = descend(current, name(segment), walked, account);
                current.close();
                current = next;
            }
            attrs = walked.isRoot() ? attrs : fstat(current);
            if (forWrite && !attrs.permissions().contains(PosixFilePermission.OWNER_WRITE)) {
                throw new UnsafePathException(label(dir) + " is a read-only directory");
            }
            return new OpenDir(current, attrs, account);
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    private SecureDirectoryStream<Path> openRoot() throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(root);
        if (stream instanceof SecureDirectoryStream) {
            @SuppressWarnings("unchecked")
            SecureDirectoryStream<Path> secure = (SecureDirectoryStream<Path>) stream;
            return secure;
        }
        stream.close();
        throw new FileSystemException(root.toString(), null, "secure directory streams are not supported here");
    }

    /** Opens one child directory without following links and checks it after opening (fstat). */
    private SecureDirectoryStream<Path> descend(SecureDirectoryStream<Path> parent, Path name, WebPath path,
            UserPrincipal account) throws IOException {
        PosixFileAttributes before = attributes(parent, name)
                .orElseThrow(() -> new NoSuchFileException(label(path)));
        if (before.isSymbolicLink()) {
            throw new UnsafePathException(label(path) + " is a symbolic link");
        }
        if (!before.isDirectory()) {
            throw new UnsafePathException(label(path) + " is not a directory");
        }
        SecureDirectoryStream<Path> child;
        try {
            child = parent.newDirectoryStream(name, NOFOLLOW);
        } catch (NotDirectoryException e) {
            throw new UnsafePathException(label(path) + " is not a directory");
        } catch (FileSystemException e) {
            if (isLinkError(e)) {
                throw new UnsafePathException(label(path) + " is a symbolic link");
            }
            throw e;
        }
        try {
            PosixFileAttributes after = fstat(child);
            if (!after.isDirectory()) {
                throw new UnsafePathException(label(path) + " is not a directory");
            }
            if (!after.owner().equals(account)) {
                throw new UnsafePathException(label(path) + " is not owned by the account");
            }
            return child;
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** Creates {@code name} exclusively and writes it; on a failure after creation the file is removed again. */
    private static Object createAndWrite(SecureDirectoryStream<Path> dir, Path name, byte[] content,
            Set<PosixFilePermission> mode) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, NOFOLLOW);
        SeekableByteChannel channel = dir.newByteChannel(name, options, PosixFilePermissions.asFileAttribute(mode));
        try (channel) {
            Object key = view(dir, name).readAttributes().fileKey();
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (channel instanceof FileChannel) {
                ((FileChannel) channel).force(true);
            }
            return key;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dir, name);
            throw e;
        }
    }

    /** Sets owner, group and mode by name, after checking the name still refers to the file just created. */
    private static void applyOwnership(SecureDirectoryStream<Path> dir, Path name, Object key, UserPrincipal owner,
            GroupPrincipal group, Set<PosixFilePermission> mode) throws IOException {
        PosixFileAttributeView view = view(dir, name);
        PosixFileAttributes now = view.readAttributes();
        if (!now.isRegularFile() || !Objects.equals(now.fileKey(), key)) {
            throw new UnsafePathException("the file hostd created was replaced during the write");
        }
        if (!now.owner().equals(owner)) {
            view.setOwner(owner);
        }
        if (!now.group().equals(group)) {
            view.setGroup(group);
        }
        if (!now.permissions().equals(mode)) {
            view.setPermissions(mode);
        }
    }

    private static SeekableByteChannel openFile(SecureDirectoryStream<Path> dir, Path name, WebPath file,
            Set<OpenOption> options) throws IOException {
        try {
            return dir.newByteChannel(name, options);
        } catch (FileSystemException e) {
            if (isLinkError(e)) {
                throw new UnsafePathException(label(file) + " is a symbolic link");
            }
            throw e;
        }
    }

    private static byte[] readAtMost(SeekableByteChannel channel, WebPath file, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            if (out.size() > maxBytes) {
                throw tooLarge(file, maxBytes);
            }
        }
        return out.toByteArray();
    }

    private static void requireOwnedRegularFile(PosixFileAttributes attrs, WebPath file, UserPrincipal account) {
        if (attrs.isSymbolicLink()) {
            throw new UnsafePathException(label(file) + " is a symbolic link");
        }
        if (!attrs.isRegularFile()) {
            throw new UnsafePathException(label(file) + " is not a regular file");
        }
        if (!attrs.owner().equals(account)) {
            throw new UnsafePathException(label(file) + " is not owned by the account");
        }
    }

    private static PathInfo info(PosixFileAttributes attrs, UserPrincipal account) {
        PathInfo.Kind kind;
        if (attrs.isSymbolicLink()) {
            kind = PathInfo.Kind.SYMBOLIC_LINK;
        } else if (attrs.isDirectory()) {
            kind = PathInfo.Kind.DIRECTORY;
        } else if (attrs.isRegularFile()) {
            kind = PathInfo.Kind.REGULAR_FILE;
        } else {
            kind = PathInfo.Kind.OTHER;
        }
        return new PathInfo(kind, attrs.size(), attrs.owner().equals(account));
    }

    /** Attributes of a directory entry without following links (fstatat); empty if it does not exist. */
    private static Optional<PosixFileAttributes> attributes(SecureDirectoryStream<Path> dir, Path name)
            throws IOException {
        try {
            return Optional.of(view(dir, name).readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static PosixFileAttributeView view(SecureDirectoryStream<Path> dir, Path name) {
        return dir.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW);
    }

    private static PosixFileAttributes fstat(SecureDirectoryStream<Path> dir) throws IOException {
        return dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    private Path name(String segment) {
        try {
            return root.getFileSystem().getPath(WebPath.requireValidSegment(segment));
        } catch (InvalidPathException e) {
            throw new UnsafePathException("name '" + segment + "' cannot be represented on this file system");
        }
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) {
        try {
            dir.deleteFile(name);
        } catch (IOException e) {
            // nothing to clean up, or already gone
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return bytes;
    }

    private static boolean isLinkError(FileSystemException e) {
        return e.getReason() != null && e.getReason().contains("symbolic link");
    }

    private static UnsafePathException tooLarge(WebPath file, int maxBytes) {
        return new UnsafePathException(label(file) + " is too large (limit " + maxBytes + " bytes)");
    }

    private static String label(WebPath path) {
        return path.isRoot() ? "the webspace root" : "'" + path + "'";
    }
}
