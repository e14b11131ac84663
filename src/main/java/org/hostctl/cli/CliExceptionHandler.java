package org.hostctl.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hostctl.api.Problem;
import org.hostctl.cli.cmd.HostctlCommand;
import org.hostctl.cli.output.Printable;
import org.hostctl.client.ApiException;
import org.hostctl.client.ResponseTooLargeException;
import org.hostctl.client.UnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

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
        String unknown = ex instanceof UnmatchedArgumentException u ? unknown(u) : null;
        err.println("hostctl: " + Printable.of(unknown != null ? unknown : ex.getMessage()));
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * {@code unknown command 'mailbox lst'; did you mean 'mailbox list'?} for a mistyped subcommand or option, the
     * suggestion only when one name is close; null when the unmatched argument is neither (an extra argument).
     */
    static String unknown(UnmatchedArgumentException u) {
        List<String> unmatched = u.getUnmatched();
        if (unmatched == null || unmatched.isEmpty()) {
            return null;
        }
        String arg = unmatched.get(0);
        CommandSpec spec = u.getCommandLine().getCommandSpec();
        if (arg.startsWith("-") && arg.length() > 1) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            List<String> options = new ArrayList<>();
            spec.options().stream().filter(o -> !o.hidden()).forEach(o -> options.addAll(List.of(o.names())));
            String close = closest(name, options);
            return "unknown option '" + name + "'" + (close == null ? "" : "; did you mean '" + close + "'?");
        }
        if (spec.subcommands().isEmpty()) {
            return null;
        }
        String prefix = spec.parent() == null ? "" : spec.qualifiedName(" ").replaceFirst("^hostctl ", "") + " ";
        String close = closest(arg, spec.subcommands().keySet());
        return "unknown command '" + prefix + arg + "'" + (close == null ? "" : "; did you mean '" + prefix + close
                + "'?");
    }

    /** The one name nearest to {@code typed} when it is near enough to be a typo, else null. */
    private static String closest(String typed, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String t = typed.toLowerCase(Locale.ROOT);
        for (String n : names) {
            int d = distance(t, n.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        int core = t.replaceFirst("^-+", "").length();
        int allowed = core <= 3 ? 1 : core <= 6 ? 2 : 3;
        return bestDistance <= allowed ? best : null;
    }

    /** Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
        } else if (e instanceof ResponseTooLargeException t) {
            code = ExitCodes.UNAVAILABLE;
            message = t.getMessage();
        } else if (e instanceof UnavailableException u) {
            code = ExitCodes.UNAVAILABLE;
            message = u.getMessage();
            hint = u.tls() ? "check the URL's host name with 'hostctl auth status'; for a private CA, set"
                    + " HOSTCTL_CA_FILE to its certificate (PEM)"
                    : "is hostd running there? Check the URL with 'hostctl auth status' or --api-url";
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
