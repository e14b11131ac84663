package org.hostctl.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider kit shipped in {@code src/dist/provider} (the distribution's {@code provider/}): the fixtures start
 * their services from these files, filling in the {@code @NAME@} placeholders, so that a wrong shipped file fails a
 * test.
 */
final class ProviderKit {
    /** The kit in the source tree (tests run in the project directory). */
    static final Path DIR = Path.of(System.getProperty("hostctl.project.dir", ".")).resolve("src/dist/provider")
            .toAbsolutePath().normalize();

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z][A-Z_]*@");

    private ProviderKit() {}

    /** The text of a kit file, {@code relative} to the kit directory. */
    static String read(String relative) {
        try {
            return Files.readString(DIR.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("provider kit file " + relative, e);
        }
    }

    /** A kit file with every placeholder filled in; fails on one left over, so every placeholder must be given. */
    static String render(String relative, Map<String, String> vars) {
        return fill(read(relative), vars, relative);
    }

    /** Fills in {@code @KEY@} placeholders of {@code text}; fails naming {@code what} on one left over. */
    static String fill(String text, Map<String, String> vars, String what) {
        String out = text;
        for (Map.Entry<String, String> var : vars.entrySet()) {
            out = out.replace("@" + var.getKey() + "@", var.getValue());
        }
        Matcher leftover = PLACEHOLDER.matcher(out);
        if (leftover.find()) {
            throw new IllegalStateException(what + ": placeholder " + leftover.group() + " not filled in");
        }
        return out;
    }
}
