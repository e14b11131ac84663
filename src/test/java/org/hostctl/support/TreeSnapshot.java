package org.hostctl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every entry below a directory (links not followed) with its kind, owner, mode, modification time and, for
 * regular files, content: two snapshots are equal only if nothing in the tree was created, removed or changed.
 */
public record TreeSnapshot(Path root, Map<String, String> entries) {
    public static TreeSnapshot of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return new TreeSnapshot(root, entries);
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(dir).toString() + "/", describe(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(file).toString(), describe(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeSnapshot(root, entries);
    }

    private static String describe(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        StringBuilder b = new StringBuilder();
        b.append(a.isSymbolicLink() ? "link" : a.isDirectory() ? "dir" : a.isRegularFile() ? "file" : "other");
        b.append(" owner=").append(a.owner().getName()).append(" mode=")
                .append(java.nio.file.attribute.PosixFilePermissions.toString(a.permissions()));
        b.append(" mtime=").append(a.lastModifiedTime().toInstant());
        if (a.isSymbolicLink()) {
            b.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (a.isRegularFile()) {
            byte[] content = Files.readAllBytes(p);
            b.append(" size=").append(content.length).append(" content=")
                    .append(content.length <= 200 ? HexFormat.of().formatHex(content)
                            : "sha256:" + sha256(content));
        }
        return b.toString();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
