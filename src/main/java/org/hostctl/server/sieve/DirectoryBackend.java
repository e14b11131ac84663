package org.hostctl.server.sieve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The embedded backend: scripts in Dovecot's on-disk layout in the mailbox home, {@code ~/sieve/<name>.sieve}, the
 * active one linked as {@code ~/.dovecot.sieve -> sieve/<name>.sieve} (Dovecot's {@code sieve =
 * file:~/sieve;active=~/.dovecot.sieve}). Scripts are validated with sievec when it is installed; without it only
 * basic checks are made (see {@link #check}).
 */
public final class DirectoryBackend implements SieveBackend {
    /** Largest script file this backend reads or writes (Pigeonhole's {@code sieve_max_script_size}). */
    public static final int MAX_SCRIPT_BYTES = 1 << 20;
    /** Warning returned by {@link #check} and {@link #put} when sievec is not installed. */
    public static final String NOT_COMPILED = "not compiled: sievec is not installed; only checked that the script"
            + " is non-empty UTF-8 text of at most 1 MiB without NUL characters";
    static final String SIEVE_DIR = "sieve";
    static final String ACTIVE_LINK = ".dovecot.sieve";
    static final String SUFFIX = ".sieve";
    /** A file name holds at most 255 bytes; keep room for the suffix. */
    static final int MAX_NAME_BYTES = 255 - SUFFIX.length();

    private final String name;
    private final MailHomes homes;
    private final SieveTools tools;

    public DirectoryBackend(String name, MailHomes homes, SieveTools tools) {
        this.name = name;
        this.homes = homes;
        this.tools = tools;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ScriptInfo> list(String user) {
        Path home = homes.home(user);
        Path dir = home.resolve(SIEVE_DIR);
        Optional<String> active = activeName(home);
        Optional<PosixFileAttributes> d = MailHomes.stat(dir);
        if (d.isEmpty()) {
            return List.of();
        }
        if (d.get().isSymbolicLink() || !d.get().isDirectory()) {
            throw MailHomes.unsafe(dir + (d.get().isSymbolicLink() ? " is a symbolic link" : " is not a directory"));
        }
        List<ScriptInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                Optional<PosixFileAttributes> a = MailHomes.stat(f);
                if (a.isEmpty() || !a.get().isRegularFile() || file.length() == SUFFIX.length()) {
                    continue;
                }
                String script = file.substring(0, file.length() - SUFFIX.length());
                out.add(new ScriptInfo(script, active.map(script::equals).orElse(false)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparing(ScriptInfo::name));
        return out;
    }

    @Override
    public String get(String user, String script) {
        Path file = scriptsDir(user).resolve(fileName(script));
        byte[] b = MailHomes.read(file, MAX_SCRIPT_BYTES).orElseThrow(() -> missing(script));
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Compiles with sievec when installed. Without it, checks only that the script is non-empty, valid UTF-8, at
     * most 1 MiB and free of NUL characters, and says so in a warning ({@link #NOT_COMPILED}); syntax, extensions
     * and semantics are then not checked.
     */
    @Override
    public List<String> check(String user, String content) {
        byte[] bytes = basicChecks(content);
        if (!tools.canCompile()) {
            return List.of(NOT_COMPILED);
        }
        return tools.compile(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public List<String> put(String user, String script, String content) {
        String file = fileName(script);
        List<String> warnings = check(user, content);
        Path dir = scriptsDir(user);
        MailHomes.writeAtomically(dir, file, content.getBytes(StandardCharsets.UTF_8));
        return warnings;
    }

    @Override
    public void activate(String user, String script) {
        Path home = homes.home(user);
        Path link = home.resolve(ACTIVE_LINK);
        Optional<PosixFileAttributes> current = MailHomes.stat(link);
        if (current.isPresent() && !current.get().isSymbolicLink()) {
            throw MailHomes.unsafe(link + " is not a link; move it away to let hostd manage the active script");
        }
        if (script == null) {
            MailHomes.delete(link);
            return;
        }
        String file = fileName(script);
        Path dir = scriptsDir(user);
        if (!isScript(dir.resolve(file))) {
            throw missing(script);
        }
        MailHomes.replaceLink(home, ACTIVE_LINK, SIEVE_DIR + "/" + file);
    }

    @Override
    public void rename(String user, String from, String to) {
        String fromFile = fileName(from);
        String toFile = fileName(to);
        Path home = homes.home(user);
        Path dir = scriptsDir(user);
        if (!isScript(dir.resolve(fromFile))) {
            throw missing(from);
        }
        if (MailHomes.stat(dir.resolve(toFile)).isPresent()) {
            throw new SieveException(SieveException.Code.ALREADYEXISTS, "a script named " + to + " exists");
        }
        boolean wasActive = activeName(home).map(from::equals).orElse(false);
        try {
            // a hard link cannot replace an existing file: no script is ever overwritten by a rename
            Files.createLink(dir.resolve(toFile), dir.resolve(fromFile));
        } catch (FileAlreadyExistsException e) {
            throw new SieveException(SieveException.Code.ALREADYEXISTS, "a script named " + to + " exists");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from, e);
        }
        if (wasActive) {
            MailHomes.replaceLink(home, ACTIVE_LINK, SIEVE_DIR + "/" + toFile);
        }
        MailHomes.delete(dir.resolve(fromFile));
    }

    @Override
    public void delete(String user, String script) {
        String file = fileName(script);
        Path home = homes.home(user);
        Path dir = scriptsDir(user);
        if (!isScript(dir.resolve(file))) {
            throw missing(script);
        }
        if (activeName(home).map(script::equals).orElse(false)) {
            throw new SieveException(SieveException.Code.ACTIVE, "script " + script + " is active");
        }
        MailHomes.delete(dir.resolve(file));
    }

    private Path scriptsDir(String user) {
        return homes.ensureDirectory(homes.home(user), SIEVE_DIR);
    }

    /** The script the active link points to, when it is a link to {@code sieve/<name>.sieve}. */
    private static Optional<String> activeName(Path home) {
        Path link = home.resolve(ACTIVE_LINK);
        Optional<PosixFileAttributes> a = MailHomes.stat(link);
        if (a.isEmpty() || !a.get().isSymbolicLink()) {
            return Optional.empty();
        }
        try {
            String target = Files.readSymbolicLink(link).toString();
            String prefix = SIEVE_DIR + "/";
            if (target.startsWith("./")) {
                target = target.substring(2);
            }
            if (target.startsWith(prefix) && target.endsWith(SUFFIX) && target.indexOf('/', prefix.length()) < 0
                    && target.length() > prefix.length() + SUFFIX.length()) {
                return Optional.of(target.substring(prefix.length(), target.length() - SUFFIX.length()));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + link, e);
        }
    }

    private static boolean isScript(Path file) {
        return MailHomes.stat(file).map(PosixFileAttributes::isRegularFile).orElse(false);
    }

    /** The file name of a script; names that cannot be a single file name are refused. */
    static String fileName(String script) {
        if (script == null || script.isEmpty() || script.indexOf('/') >= 0 || script.indexOf('\0') >= 0
                || script.equals(".") || script.equals("..")) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "invalid script name");
        }
        if (script.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "the script name is longer than "
                    + MAX_NAME_BYTES + " bytes in UTF-8");
        }
        return script + SUFFIX;
    }

    private static byte[] basicChecks(String content) {
        if (content == null || content.isEmpty()) {
            throw new SieveCompileException(List.of("error: the script is empty"));
        }
        byte[] bytes;
        try {
            bytes = toArray(StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(content)));
        } catch (CharacterCodingException e) {
            throw new SieveCompileException(List.of("error: the script is not valid UTF-8 text"));
        }
        if (bytes.length > MAX_SCRIPT_BYTES) {
            throw new SieveException(SieveException.Code.QUOTA, "the script is larger than " + MAX_SCRIPT_BYTES
                    + " bytes");
        }
        if (content.indexOf('\0') >= 0) {
            throw new SieveCompileException(List.of("error: the script contains a NUL character"));
        }
        return bytes;
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private SieveException missing(String script) {
        return new SieveException(SieveException.Code.NONEXISTENT, "no script " + script);
    }
}
