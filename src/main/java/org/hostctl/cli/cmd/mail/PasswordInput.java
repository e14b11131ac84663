package org.hostctl.cli.cmd.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.HostctlException;
import picocli.CommandLine.Option;

/** Where a new mailbox password comes from: stdin, a file, a no-echo prompt typed twice, or the server. */
public final class PasswordInput {
    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean stdin;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
    Path file;

    @Option(names = "--generate", description = "Let the server generate a strong password; it is printed once, on stdout.")
    boolean generate;

    /** Whether the server is to generate the password. */
    boolean generate() {
        return generate;
    }

    /** The password typed, piped or read from a file; null with {@code --generate}. */
    String read(CliContext context, boolean mayPrompt) {
        int given = (stdin ? 1 : 0) + (file != null ? 1 : 0) + (generate ? 1 : 0);
        if (given > 1) {
            throw HostctlException.usage("give only one of --password-stdin, --password-file, --generate");
        }
        if (generate) {
            return null;
        }
        try {
            if (stdin) {
                return firstLine(new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8))
                        .readLine(), "stdin");
            }
            if (file != null) {
                try {
                    return firstLine(Files.readAllLines(context.cwd().resolve(file), StandardCharsets.UTF_8).stream()
                            .findFirst().orElse(null), file.toString());
                } catch (NoSuchFileException e) {
                    throw HostctlException.usage("--password-file: no such file " + file);
                }
            }
        } catch (IOException e) {
            throw HostctlException.usage("cannot read the password: " + e.getMessage());
        }
        if (!mayPrompt) {
            throw HostctlException.usage("no password: use --password-stdin, --password-file FILE or --generate"
                    + " (hostctl prompts only on a terminal)");
        }
        char[] first = context.promptSecret("New password: ");
        char[] second = context.promptSecret("Repeat it: ");
        try {
            if (first == null || first.length == 0) {
                throw HostctlException.usage("no password typed");
            }
            if (second == null || !Arrays.equals(first, second)) {
                throw HostctlException.usage("the two passwords differ; nothing was changed");
            }
            return new String(first);
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    private static String firstLine(String line, String where) {
        if (line == null || line.isEmpty()) {
            throw HostctlException.usage("no password on " + where);
        }
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
