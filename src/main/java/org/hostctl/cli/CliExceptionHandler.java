package org.hostctl.cli;

import java.io.PrintWriter;
import java.util.List;
import org.hostctl.api.Problem;
import org.hostctl.cli.cmd.HostctlCommand;
import org.hostctl.cli.output.Printable;
import org.hostctl.client.ApiException;
import org.hostctl.client.UnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns every failure into one line on stderr and its exit code; a stack trace only with {@code --verbose}. */
public final class CliExceptionHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        boolean verbose = cmd.getCommandSpec().root().userObject() instanceof HostctlCommand root
                && root.options().verbose();
        return report(ex, cmd.getErr(), verbose, "");
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("hostctl: " + Printable.of(ex.getMessage()));
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Prints {@code e} as one line (after {@code prefix}), then the problem's field errors one per line (a Sieve
     * script's line-numbered messages), and returns its exit code.
     */
    public static int report(Exception e, PrintWriter err, boolean verbose, String prefix) {
        int code;
        String message;
        String hint = null;
        List<String> details = List.of();
        if (e instanceof HostctlException h) {
            code = h.exitCode();
            message = h.getMessage();
        } else if (e instanceof ApiException a) {
            code = ExitCodes.forStatus(a.status());
            String m = a.getMessage();
            message = m;
            details = a.errors().stream().map(Problem.FieldError::detail)
                    .filter(d -> d != null && !d.equals(m) && !m.endsWith(d)).toList();
            Problem p = a.problem();
            if (a.status() == 401 && p != null && "no-unix-account".equals(p.code())) {
                hint = null;
            } else if (a.status() == 401) {
                hint = "log in again with 'hostctl auth login', or check HOSTCTL_TOKEN";
            } else if (p != null && "end-of-life".equals(p.code())) {
                hint = "add --allow-eol to set it anyway";
            } else if (p != null && "sieve-active".equals(p.code())) {
                hint = "add --deactivate to delete the active script";
            } else if (p != null && "backend-unavailable".equals(p.code())) {
                hint = "see 'hostctl status'";
            }
        } else if (e instanceof UnavailableException u) {
            code = ExitCodes.UNAVAILABLE;
            message = u.getMessage();
            hint = "is hostd running there? Check the URL with 'hostctl auth status' or --api-url";
        } else {
            code = ExitCodes.UNEXPECTED;
            message = "unexpected error: " + e;
        }
        err.println("hostctl: " + prefix + Printable.of(message));
        for (String d : details) {
            err.println("hostctl: " + prefix + Printable.of(d));
        }
        if (hint != null) {
            err.println("hint: " + hint);
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
