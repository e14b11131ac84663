package org.hostctl.cli.cmd.php;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hostctl.api.PhpChange;
import org.hostctl.cli.CliExceptionHandler;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.output.Output;

/** Applies a change to several paths, one request each, reporting every failure and the first exit code. */
final class PhpChanges {
    private PhpChanges() {}

    static int apply(List<String> paths, Function<String, PhpChange> change, Output out, boolean verbose) {
        List<PhpChange> done = new ArrayList<>();
        int exit = ExitCodes.OK;
        for (String path : paths) {
            try {
                PhpChange c = change.apply(path);
                done.add(c);
                for (String w : c.warnings()) {
                    out.warn(PhpColumns.display(c.path()) + ": " + w);
                }
            } catch (RuntimeException e) {
                if (paths.size() == 1) {
                    throw e;
                }
                int code = CliExceptionHandler.report(e, out.err(), verbose, PhpColumns.display(path) + ": ");
                if (exit == ExitCodes.OK) {
                    exit = code;
                }
            }
        }
        out.list(done, PhpColumns.changes(out));
        return exit;
    }
}
