package org.hostctl.cli.cmd.sieve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.HostctlException;

/**
 * Reads the text a sieve command works on: a file, or stdin for {@code -}. Every failure is a usage error (exit 2)
 * naming what could not be read, raised before anything is sent.
 */
final class ScriptInput {
    private ScriptInput() {}

    /**
     * The script from {@code file}, from stdin for {@code -}, or from stdin when {@code file} is null and stdin is
     * not a terminal; a script is UTF-8 (RFC 5228).
     */
    static String script(CliContext context, String file) {
        if (file == null) {
            if (context.interactive()) {
                throw HostctlException.usage("no script: name a FILE, or - to read it from stdin");
            }
            file = "-";
        }
        return utf8(read(context, file, null), file.equals("-") ? "stdin" : file);
    }

    /** The bytes of {@code file}, or of stdin for {@code -}; {@code option} names the option in messages, or null. */
    static byte[] read(CliContext context, String file, String option) {
        String what = (option == null ? "" : option + ": ") + (file.equals("-") ? "stdin" : file);
        try {
            if (file.equals("-")) {
                try (InputStream in = context.stdin()) {
                    return in.readAllBytes();
                }
            }
            Path path = context.cwd().resolve(file);
            if (Files.isDirectory(path)) {
                throw HostctlException.usage("cannot read " + what + ": it is a directory");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw HostctlException.usage("cannot read " + what + ": no such file");
        } catch (AccessDeniedException e) {
            throw HostctlException.usage("cannot read " + what + ": permission denied");
        } catch (IOException e) {
            throw HostctlException.usage("cannot read " + what + ": " + e.getMessage());
        }
    }

    /** {@code bytes} as UTF-8 text; anything else is a usage error naming {@code what}. */
    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw HostctlException.usage(what + " is not UTF-8 text");
        }
    }

    /** Refuses a script name that cannot be a path segment of the API. */
    static String name(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw HostctlException.usage("not a script name: '" + name + "'");
        }
        return name;
    }
}
