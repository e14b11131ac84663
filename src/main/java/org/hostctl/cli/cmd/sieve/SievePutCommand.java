package org.hostctl.cli.cmd.sieve;

import org.hostctl.api.SievePut;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve put}. */
@Command(name = "put", sortOptions = false, description = "Upload a Sieve script, replacing one of the same name.",
        footer = {"",
            "The server compiles the script first and stores nothing when it does not compile; its messages name the "
                    + "line (exit 5). Without FILE the script is read from stdin when that is not a terminal.",
            "",
            "Examples:",
            "  hostctl sieve put alice@example.com filters filters.sieve --activate",
            "  cat filters.sieve | hostctl sieve put alice@example.com filters -"})
public final class SievePutCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "Script name.")
    String name;

    @Parameters(index = "2", arity = "0..1", paramLabel = "FILE", description = "The script; - for stdin.")
    String file;

    @Option(names = "--activate", description = "Make it the active script.")
    boolean activate;

    public SievePutCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScriptInput.name(name);
        out(); // checks -o/--jq before anything is read
        String content = ScriptInput.script(context, file);
        SieveScript s = api().putSieveScript(address, name, new SievePut(content, activate));
        SieveOutput.warnings(out(), s.warnings());
        out().one(s, SieveColumns.scripts());
        return ExitCodes.OK;
    }
}
