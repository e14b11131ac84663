package org.hostctl.cli.cmd.sieve;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.api.SieveTestResult;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve test}. */
@Command(name = "test", sortOptions = false,
        description = "Show what a Sieve script would do with a message, without delivering anything.",
        footer = {"",
            "Tests the script in FILE (- for stdin), or a stored script with --script. The actions are printed one "
                    + "per line, then whether the message would also be kept in INBOX (implicit keep). Warnings go to "
                    + "stderr, e.g. for a fileinto folder the mailbox does not have (without :create the mail would "
                    + "stay in INBOX).",
            "",
            "Examples:",
            "  hostctl sieve test alice@example.com filters.sieve --message invoice.eml",
            "  hostctl sieve test alice@example.com --script filters \\",
            "      --message invoice.eml --from billing@example.net",
            "  hostctl sieve test alice@example.com filters.sieve --message invoice.eml \\",
            "      -o json"})
public final class SieveTestCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The script; - for stdin.")
    String file;

    @Option(names = "--message", required = true, paramLabel = "FILE",
            description = "The message as it would arrive (RFC 5322, e.g. a saved .eml); - for stdin.")
    String message;

    @Option(names = "--script", paramLabel = "NAME", description = "Test this stored script instead of FILE.")
    String script;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "Envelope sender (default: the message's From).")
    String from;

    public SieveTestCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (script != null && file != null) {
            throw HostctlException.usage("give FILE or --script NAME, not both");
        }
        if (script != null) {
            ScriptInput.name(script);
        }
        boolean scriptFromStdin = script == null && (file == null ? !context.interactive() : file.equals("-"));
        if (message.equals("-") && scriptFromStdin) {
            throw HostctlException.usage("the script and --message cannot both come from stdin");
        }
        out(); // checks -o/--jq before anything is read
        String content = script == null ? ScriptInput.script(context, file) : null;
        String eml = new String(ScriptInput.read(context, message, "--message"), StandardCharsets.UTF_8);
        SieveTestResult r = api().testSieve(address, new SieveTestRequest(content, script, eml, from));
        List<String> actions = r.actions() == null ? List.of() : r.actions();
        SieveOutput.warnings(out(), r.warnings());
        switch (out().format()) {
            case table -> {
                out().list(actions, SieveColumns.actions());
                out().out().println("implicit keep: " + (r.implicitKeep() ? "yes" : "no"));
                out().out().flush();
            }
            case csv -> out().list(actions, SieveColumns.actions());
            default -> out().one(r, List.of());
        }
        return ExitCodes.OK;
    }
}
