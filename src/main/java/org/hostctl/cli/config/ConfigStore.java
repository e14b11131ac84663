package org.hostctl.cli.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.hostctl.api.Json;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;

/** Reads and writes {@code config.json} in hostctl's configuration directory, mode 0600. */
public final class ConfigStore {
    /** File name inside the directory. */
    public static final String FILE = "config.json";

    private final Path dir;

    public ConfigStore(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CONFIG_HOME/hostctl}, else {@code ~/.config/hostctl}. */
    public static Path defaultDir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "hostctl");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "hostctl");
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    public Config load() {
        Path f = file();
        if (!Files.exists(f)) {
            return Config.empty();
        }
        try {
            Config c = Json.mapper().readValue(f.toFile(), Config.class);
            return c == null ? Config.empty() : c;
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot read " + f + ": " + e.getMessage());
        }
    }

    /** Writes atomically: a 0600 temp file in the same directory, then a rename. */
    public void save(Config config) {
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | UnsupportedOperationException ignored) {
                // a directory we do not own stays as it is
            }
            Path tmp = Files.createTempFile(dir, ".config", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
                try {
                    Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot write " + file() + ": " + e.getMessage());
        }
    }
}
