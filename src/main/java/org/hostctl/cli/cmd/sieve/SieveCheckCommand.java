package org.hostctl.cli.cmd.sieve;

import org.hostctl.api.SieveCheckResult;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve check}. */
@Command(name = "check", description = "Check that a Sieve script compiles, without storing it.",
        footer = {"",
            "Exit 0 when it compiles (warnings on stderr, e.g. for a fileinto folder the mailbox does not have); "
                    + "exit 5 with the server's line-numbered messages when it does not, or when the provider's policy "
                    + "refuses it (e.g. a redirect or notify target outside your domains, or built from variables). "
                    + "Without FILE the script is read from stdin when that is not a terminal.",
            "",
            "Examples:",
            "  hostctl sieve check alice@example.com filters.sieve",
            "  hostctl sieve get alice@example.com filters | \\",
            "      hostctl sieve check alice@example.com -"})
public final class SieveCheckCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The script; - for stdin.")
    String file;

    public SieveCheckCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        out(); // checks -o/--jq before anything is read
        String content = ScriptInput.script(context, file);
        SieveCheckResult r = api().checkSieve(address, content);
        SieveOutput.warnings(out(), r.warnings());
        switch (out().format()) {
            case table -> out().info("The script compiles.");
            default -> out().one(r, SieveColumns.check());
        }
        return ExitCodes.OK;
    }
}
