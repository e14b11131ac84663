package org.hostctl.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.hostctl.server.php.HostPhp;

/** Creates and reads {@code hostd.yaml} in a data directory. */
public final class ConfigFile {
    /** File name of the configuration inside the data directory. */
    public static final String NAME = "hostd.yaml";

    private ConfigFile() {}

    /**
     * Creates the data directory (mode 2770, {@link DataDirectory}) and a commented default configuration (mode
     * 0640) when they do not exist yet.
     */
    public static Path ensure(Path dataDir) {
        return ensure(dataDir, HostPhp.system());
    }

    /** Like {@link #ensure(Path)}, the PHP versions of a new configuration taken from {@code host}. */
    public static Path ensure(Path dataDir, HostPhp host) {
        DataDirectory.create(dataDir);
        try {
            Path file = dataDir.resolve(NAME);
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(dataDir, ".hostd", ".yaml");
                Files.writeString(tmp, template(host), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Reads the configuration; an unknown key or a malformed value is an error naming the file. */
    public static HostdConfig read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .registerModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            HostdConfig config = yaml.readValue(file.toFile(), HostdConfig.class);
            return config == null ? new HostdConfig(null, null, null, null, null, null, null, null, null, null, null, null)
                    : config;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown setting '" + e.getPropertyName() + "'", e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String idle(HostPhp host) {
        List<String> idle = host.idlePools();
        return idle.isEmpty() ? "" : "; not offered, no php-fpm listens on " + String.join(", ", idle);
    }

    /** The commented default configuration offering the PHP handlers {@code found} on the host. */
    static String template(HostPhp host) {
        List<HostPhp.Found> found = host.scan();
        try (var in = ConfigFile.class.getResourceAsStream("hostd.default.yaml")) {
            String def = HostPhp.defaultOf(found);
            String what = found.isEmpty() ? "no php-cgi program and no php-fpm pool was found"
                    : found.stream().map(f -> f.version() + " " + (f.binary() != null ? f.binary() : f.socket()))
                            .collect(Collectors.joining(", "));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@PHP_DEFAULT@", def == null ? "" : "\"" + def + "\"")
                    .replace("@PHP_FOUND@", what + idle(host))
                    .replace("@PHP_VERSIONS@", HostPhp.yaml(found));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
