package org.hostctl.cli.cmd.mail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.hostctl.api.Autoreply;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl autoreply set}. */
@Command(name = "set", sortOptions = false, description = "Set a mailbox's autoresponder.",
        footer = {"",
            "The text comes from a file, or stdin with --text-file -. Senders get at most one reply per --every "
                    + "days.",
            "",
            "Examples:",
            "  hostctl autoreply set alice@example.com --subject 'Out of office' \\",
            "      --text-file away.txt",
            "  echo 'Back on Monday.' | hostctl autoreply set alice@example.com \\",
            "      --subject Away --text-file - \\",
            "      --from 2026-12-20 --until 2027-01-06 --every 3"})
public final class AutoreplySetCommand extends BaseCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Option(names = "--subject", required = true, paramLabel = "TEXT", description = "Subject of the reply.")
    String subject;

    @Option(names = "--text-file", required = true, paramLabel = "FILE", description = "Text of the reply; - for stdin.")
    String textFile;

    @Option(names = "--from", paramLabel = "DATE", description = "First day it answers (YYYY-MM-DD; default: now).")
    String from;

    @Option(names = "--until", paramLabel = "DATE", description = "Last day it answers (YYYY-MM-DD; default: open-ended).")
    String until;

    @Option(names = "--every", paramLabel = "DAYS", defaultValue = "1",
            description = "Minimum days between two replies to the same sender (default: ${DEFAULT-VALUE}).")
    int every;

    public AutoreplySetCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        String text;
        try {
            text = textFile.equals("-") ? new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(context.cwd().resolve(Path.of(textFile)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw HostctlException.usage("--text-file: no such file " + textFile);
        }
        Autoreply req = new Autoreply(address, true, subject, text, date("--from", from), date("--until", until), every);
        out().one(api().setAutoreply(address, req), MailColumns.autoreplies());
        return ExitCodes.OK;
    }

    private static LocalDate date(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw HostctlException.usage(option + " must be a date like 2026-12-24, not " + value);
        }
    }
}
