package org.hostctl.cli.cmd.sieve;

import java.util.List;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Printable;

/** Messages the sieve commands share. */
final class SieveOutput {
    private SieveOutput() {}

    /** The server's warnings about a script, one per line on stderr. */
    static void warnings(Output out, List<String> warnings) {
        if (warnings != null) {
            warnings.forEach(w -> out.warn(Printable.of(w)));
        }
    }
}
