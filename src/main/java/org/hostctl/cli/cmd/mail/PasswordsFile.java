package org.hostctl.cli.cmd.mail;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;

/**
 * The {@code --passwords-out} file: a new file, readable by its owner only (0600), CSV {@code address,password}.
 * It is never overwritten, so the passwords of an earlier import cannot be lost.
 */
final class PasswordsFile implements Closeable {
    private final CsvMapper csv = new CsvMapper();
    private final Path path;
    private final Writer writer;
    private int count;

    private PasswordsFile(Path path, Writer writer) {
        this.path = path;
        this.writer = writer;
    }

    /** Fails with a usage error when {@code path} exists. */
    static void checkNew(Path path, String shown) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw HostctlException.usage("--passwords-out: " + shown + " exists; name a new file (it may hold"
                    + " the passwords of an earlier import)");
        }
    }

    /** Creates {@code path} with mode 0600 and writes the header. */
    static PasswordsFile create(Path path, String shown) {
        checkNew(path, shown);
        try {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(path);
            }
            Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            PasswordsFile f = new PasswordsFile(path, w);
            f.line(ImportCsv.ADDRESS, ImportCsv.PASSWORD);
            return f;
        } catch (FileAlreadyExistsException e) {
            throw HostctlException.usage("--passwords-out: " + shown + " exists; name a new file");
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "--passwords-out: cannot create " + shown + ": "
                    + e.getMessage());
        }
    }

    /** Appends one generated password and flushes, so that it is on disk before the next row is reported. */
    synchronized void add(String address, String password) {
        line(address, password);
        count++;
    }

    synchronized int count() {
        return count;
    }

    Path path() {
        return path;
    }

    private void line(String a, String b) {
        try {
            writer.write(csv.writeValueAsString(List.of(List.of(a, b))));
            writer.flush();
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "--passwords-out: cannot write " + path + ": "
                    + e.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
