package org.hostctl.cli.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history of the interactive {@code hostctl shell}: {@code $XDG_STATE_HOME/hostctl/history}, else
 * {@code ~/.local/state/hostctl/history}, one command a line, readable and writable by the owner only (the file
 * is created 0600 and its directory 0700; a file found with wider permissions is narrowed). Each command is
 * appended when it has run, so a killed shell keeps what ran before; the file is cut to its newest
 * {@value #MAX} lines when a shell starts.
 */
final class ShellHistory {
    /** Lines kept. */
    static final int MAX = 1000;

    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private final Path file;

    ShellHistory(Path file) {
        this.file = file;
    }

    /** The history file for this environment, or null when neither XDG_STATE_HOME nor HOME is set. */
    static Path defaultFile(Map<String, String> env) {
        String state = env.get("XDG_STATE_HOME");
        if (state != null && !state.isEmpty() && Path.of(state).isAbsolute()) {
            return Path.of(state, "hostctl", "history");
        }
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            return null;
        }
        return Path.of(home, ".local", "state", "hostctl", "history");
    }

    Path file() {
        return file;
    }

    /** The kept lines, oldest first; cuts the file to the newest {@link #MAX}. */
    List<String> load() throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        if (!Files.getPosixFilePermissions(file).equals(FILE)) {
            Files.setPosixFilePermissions(file, FILE);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() > MAX) {
            lines = List.copyOf(lines.subList(lines.size() - MAX, lines.size()));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE));
            Files.write(tmp, lines, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return lines;
    }

    /** Appends one command line (a line break in it would split it: such lines are not kept). */
    void append(String line) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0 || line.isBlank()) {
            return;
        }
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE);
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), mode)) {
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }
}
