package org.hostctl.cli.cmd.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hostctl.api.Domain;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.CliExceptionHandler;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Column;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.output.Tone;
import org.hostctl.client.HostApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl mailbox import}. */
@Command(name = "import", sortOptions = false,
        description = "Create mailboxes from a CSV file; existing ones are skipped, or brought in line with --update.",
        footer = {"",
            "FILE is UTF-8 CSV (a byte order mark is fine, quoted fields, LF or CRLF) whose first line names the "
                    + "columns, in any order:",
            "  address   the mailbox address (required)",
            "  password  its password; empty or no column: the server generates one,",
            "            written only to the --passwords-out file (a new file, mode 0600,",
            "            CSV address,password)",
            "  quota     e.g. 500M, 2G, a number of bytes, 0 for unlimited; empty: the",
            "            server's default",
            "  name      display name",
            "Any other column is an error, reported before anything is sent.",
            "",
            "Every row is tried, and a failed row is reported with its line number; the run stops early only when "
                    + "the token is refused (401, 403) or the server is unavailable. Running the same file again "
                    + "skips what exists. --update sets quota and name of existing mailboxes where the row gives "
                    + "them (an empty cell leaves them alone); with --update-passwords also their password. "
                    + "--dry-run checks every row and asks the server which mailboxes exist, but writes nothing "
                    + "(password strength is only checked when sending).",
            "",
            "A summary goes to stderr; -o json prints every row's result, table output the failed rows. Exit 0 when "
                    + "no row failed, else the code of the first failed row (5 rejected, 3 no such domain), or 4/6 "
                    + "when the run stopped early.",
            "",
            "Examples:",
            "  hostctl mailbox import staff.csv --passwords-out staff-passwords.csv",
            "  hostctl mailbox import staff.csv --dry-run",
            "  hostctl mailbox import staff.csv --update -o json > result.json",
            "  printf 'address,quota\\nann@example.com,2G\\n' | \\",
            "      hostctl mailbox import - --passwords-out pw.csv"})
public final class MailboxImportCommand extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "CSV file with a header line, or - for stdin.")
    String file;

    @Option(names = "--passwords-out", paramLabel = "FILE",
            description = "Write the passwords the server generates to FILE (a new file, mode 0600); needed when a row"
                    + " has no password.")
    Path passwordsOut;

    @Option(names = "--update", description = "Set quota and name of existing mailboxes to what their row says.")
    boolean update;

    @Option(names = "--update-passwords",
            description = "With --update, also set the password of existing mailboxes whose row has one.")
    boolean updatePasswords;

    @Option(names = "--dry-run", description = "Check every row and report what would happen; change nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Rows sent at the same time, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int parallel;

    public MailboxImportCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        if (updatePasswords && !update) {
            throw HostctlException.usage("--update-passwords needs --update");
        }
        if (parallel < 1 || parallel > 16) {
            throw HostctlException.usage("--parallel must be between 1 and 16");
        }
        out(); // checks -o/--jq before anything is read
        String source = "-".equals(file) ? "stdin" : file;
        List<ImportRow> rows = readRows(source);
        Path pwPath = passwordsOut == null ? null : context.cwd().resolve(passwordsOut);
        ImportRow needsPassword = rows.stream().filter(r -> r.valid() && r.password() == null).findFirst()
                .orElse(null);
        if (needsPassword != null && pwPath == null) {
            throw HostctlException.usage("line " + needsPassword.line() + " and maybe others have no password; the"
                    + " server generates them and hostctl writes them only to a file: add --passwords-out FILE");
        }
        HostApi api = api();
        long start = System.nanoTime();
        MailboxImporter.Known known = dryRun ? known(api) : null;
        PasswordsFile passwords = null;
        if (pwPath != null) {
            if (dryRun) {
                PasswordsFile.checkNew(pwPath, passwordsOut.toString());
            } else {
                passwords = PasswordsFile.create(pwPath, passwordsOut.toString());
            }
        }
        MailboxImporter importer = new MailboxImporter(api,
                new MailboxImporter.Options(update, updatePasswords, dryRun, parallel), known);
        ImportProgress progress = new ImportProgress(out().err(), rows.size(), dryRun ? "checking" : "importing",
                context.interactive());
        List<MailboxImporter.Outcome> outcomes;
        try (PasswordsFile sink = passwords) {
            outcomes = importer.run(rows, progress::advance, (row, o) -> save(sink, o));
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<ImportResult> results = outcomes.stream().map(MailboxImporter.Outcome::result).toList();
        print(results);
        out().info(summary(results, seconds));
        if (passwords != null && passwords.count() > 0) {
            out().info("wrote " + passwords.count() + " generated password" + (passwords.count() == 1 ? "" : "s")
                    + " to " + passwordsOut);
        }
        MailboxImporter.Stop stop = importer.stopped();
        if (stop != null) {
            return CliExceptionHandler.report(stop.cause(), out().err(), global().verbose(),
                    "import stopped at line " + stop.line() + ": ");
        }
        return outcomes.stream().mapToInt(MailboxImporter.Outcome::exitCode).filter(c -> c != 0).findFirst()
                .orElse(ExitCodes.OK);
    }

    private List<ImportRow> readRows(String source) throws IOException {
        InputStream in;
        if ("-".equals(file)) {
            in = context.stdin();
        } else {
            try {
                in = Files.newInputStream(context.cwd().resolve(file));
            } catch (NoSuchFileException e) {
                throw HostctlException.usage("no such file " + file);
            }
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
            return ImportCsv.read(r, source);
        }
    }

    private static MailboxImporter.Known known(HostApi api) {
        Set<String> domains = new HashSet<>();
        for (Domain d : api.domains()) {
            domains.add(d.name());
        }
        Set<String> aliases = new HashSet<>();
        api.aliases(null).forEach(a -> aliases.add(a.source()));
        return new MailboxImporter.Known(domains, aliases);
    }

    /** Keeps a generated password in the --passwords-out file, and nowhere else. */
    private static void save(PasswordsFile sink, MailboxImporter.Outcome o) {
        if (o.generatedPassword() == null) {
            return;
        }
        if (sink == null) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "the server generated a password for "
                    + o.result().address() + " but there is no --passwords-out file; set one with 'hostctl mailbox"
                    + " passwd " + o.result().address() + " --generate'");
        }
        try {
            sink.add(o.result().address(), o.generatedPassword());
        } catch (HostctlException e) {
            throw new HostctlException(e.exitCode(), e.getMessage() + "; mailbox " + o.result().address()
                    + " was created: set a new password with 'hostctl mailbox passwd " + o.result().address()
                    + " --generate'");
        }
    }

    private void print(List<ImportResult> results) {
        if (out().format() != Format.table) {
            out().list(results, List.of(
                    Column.of("LINE", r -> Integer.toString(r.line())),
                    Column.of("ADDRESS", ImportResult::address),
                    Column.of("RESULT", ImportResult::result),
                    Column.of("CHANGED", r -> r.changed() == null ? null : String.join(" ", r.changed())),
                    Column.of("ERROR", ImportResult::error)));
        } else if (dryRun) {
            out().list(results, List.of(
                    Column.of("LINE", r -> Integer.toString(r.line())),
                    Column.of("ADDRESS", ImportResult::address),
                    Column.toned("RESULT", ImportResult::result,
                            r -> ImportResult.FAILED.equals(r.result()) ? Tone.BAD : null),
                    Column.of("DETAIL", r -> r.error() != null ? r.error()
                            : r.changed() != null ? String.join(", ", r.changed()) : null)));
        } else {
            out().list(results.stream().filter(r -> !r.result().equals(ImportResult.CREATED)
                    && !r.result().equals(ImportResult.UPDATED) && !r.result().equals(ImportResult.SKIPPED)).toList(),
                    List.of(Column.of("LINE", r -> Integer.toString(r.line())),
                            Column.of("ADDRESS", ImportResult::address),
                            Column.of("ERROR", ImportResult::error)));
        }
    }

    private String summary(List<ImportResult> results, double seconds) {
        String time = String.format(Locale.ROOT, "%.1f s", seconds);
        int total = results.size();
        if (dryRun) {
            return "dry run: would create " + count(results, ImportResult.WOULD_CREATE) + ", would update "
                    + count(results, ImportResult.WOULD_UPDATE) + ", would skip "
                    + count(results, ImportResult.WOULD_SKIP) + ", failed " + count(results, ImportResult.FAILED)
                    + " (of " + total + " rows) in " + time + "; nothing was changed";
        }
        long notAttempted = count(results, ImportResult.NOT_ATTEMPTED);
        return "created " + count(results, ImportResult.CREATED) + ", updated " + count(results, ImportResult.UPDATED)
                + ", skipped " + count(results, ImportResult.SKIPPED) + ", failed "
                + count(results, ImportResult.FAILED) + (notAttempted > 0 ? ", not attempted " + notAttempted : "")
                + " (of " + total + " rows) in " + time;
    }

    private static long count(List<ImportResult> results, String result) {
        return results.stream().filter(r -> r.result().equals(result)).count();
    }
}
