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
        DataDirectory.create(dataDir);
        try {
            Path file = dataDir.resolve(NAME);
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(dataDir, ".hostd", ".yaml");
                Files.writeString(tmp, template(), StandardCharsets.UTF_8);
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
            return config == null ? new HostdConfig(null, null, null, null, null, null, null, null, null, null, null)
                    : config;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown setting '" + e.getPropertyName() + "'", e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String template() {
        try (var in = ConfigFile.class.getResourceAsStream("hostd.default.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
