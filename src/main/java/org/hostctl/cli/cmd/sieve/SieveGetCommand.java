package org.hostctl.cli.cmd.sieve;

import java.io.IOException;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve get}. */
@Command(name = "get", sortOptions = false, description = "Print a Sieve script, or write it to a file.",
        footer = {"",
            "The script goes to stdout as it is stored, byte for byte into a file or a pipe; on a terminal, control "
                    + "characters show as escapes such as \\x1b. -o json prints name, active and content instead. -O "
                    + "replaces FILE in one step, so that it never holds half a script.",
            "",
            "Examples:",
            "  hostctl sieve get alice@example.com filters",
            "  hostctl sieve get alice@example.com filters -O filters.sieve"})
public final class SieveGetCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "Script name.")
    String name;

    @Option(names = {"-O", "--output-file"}, paramLabel = "FILE", description = "Write the script to FILE.")
    String file;

    public SieveGetCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        ScriptInput.name(name);
        out(); // checks -o/--jq before the request
        SieveScript s = api().sieveScript(address, name);
        String content = s.content() == null ? "" : s.content();
        if (file != null) {
            try {
                AtomicFile.write(context.cwd().resolve(file), content);
            } catch (IOException e) {
                throw HostctlException.usage("cannot write " + file + ": " + e.getMessage());
            }
            if (out().format() == Format.table) {
                out().info("Wrote " + s.name() + " to " + file);
            } else {
                out().one(s, SieveColumns.scripts());
            }
        } else if (out().format() == Format.table) {
            // a script is text the user wrote: exact into a file or a pipe, its controls escaped on a terminal
            out().document(content, !context.stdoutTerminal());
        } else {
            out().one(s, SieveColumns.scripts());
        }
        return ExitCodes.OK;
    }
}
