package org.hostctl.cli.cmd.php;

import java.util.List;
import org.hostctl.api.PhpVerification;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl php verify}. */
@Command(name = "verify", sortOptions = false,
        description = "Check over HTTP which PHP really runs a directory.",
        footer = {"",
            "hostd writes a probe script with a random name into PATH, fetches it from the site's URL, and deletes "
                    + "it again, also when the request fails. Exits 0 when the PHP that answered is the one 'php "
                    + "show' reports, 5 when another one ran, 6 when the site cannot be reached.",
            "",
            "Examples:",
            "  hostctl php verify public_html/legacy",
            "  hostctl php verify public_html -o json --jq .phpVersion"})
public final class PhpVerifyCommand extends BaseCommand {
    @Parameters(paramLabel = "PATH", description = "A directory inside a document root.")
    String path;

    public PhpVerifyCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        String mapped = PathArgs.map(List.of(path), context.cwd(), context.env().get("HOME"), () -> api().me())
                .get(0);
        PhpVerification v = api().phpVerify(mapped);
        out().one(v, PhpColumns.verifications(out()));
        if (!v.matches()) {
            out().err().println("hostctl: " + PhpColumns.display(v.path()) + ": " + v.detail());
            out().err().flush();
            return v.httpStatus() == 0 ? ExitCodes.UNAVAILABLE : ExitCodes.REJECTED;
        }
        return ExitCodes.OK;
    }
}
