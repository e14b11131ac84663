package org.hostctl.cli.cmd;

import org.hostctl.cli.output.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root command; holds the global options every command inherits. Its subcommands are registered by
 * {@link org.hostctl.cli.Cli}, which builds only the group a command line names.
 */
@Command(name = "hostctl",
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Run your web hosting from the command line: PHP versions per directory, mailboxes, aliases.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:Unexpected failure.",
            "2:Usage error: wrong options or arguments.",
            "3:Not found.",
            "4:Not authenticated, or not permitted.",
            "5:Rejected by the server: invalid input, conflict or policy.",
            "6:Unavailable: cannot connect, timeout, or the service is down."},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  HOSTCTL_API_URL   API URL (overrides the profile; --api-url overrides it)",
            "  HOSTCTL_TOKEN     API token (overrides the profile)",
            "  HOSTCTL_PROFILE   profile to use (--profile overrides it)",
            "  NO_COLOR          no colour in output",
            "  HOSTCTL_MAX_RESPONSE  largest answer read, e.g. 256M (default: 64M)",
            "  HOSTCTL_CA_FILE   PEM file of CAs to trust for https (default: the system's)",
            "",
            "Examples:",
            "  hostctl php show                  # logged in on the hosting server",
            "  hostctl --api-url unix:/run/hostd/api.sock auth status",
            "  echo \"$TOKEN\" | hostctl auth login --api-url https://api.example.net",
            "  hostctl php show public_html -r",
            "  hostctl php set 8.3 public_html/shop",
            "  hostctl php show public_html -o json --jq '.[].version'"})
public final class HostctlCommand implements Runnable {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, order = 98,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, order = 99, description = "Print the version and exit.")
    boolean version;

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME", order = 100,
            description = "Profile to use (default: the current profile, or HOSTCTL_PROFILE).")
    String profile;

    @Option(names = "--api-url", scope = ScopeType.INHERIT, paramLabel = "URL", order = 101,
            description = "API URL, e.g. https://api.example.net, or hostd's local socket unix:/run/hostd/api.sock"
                    + " (default: HOSTCTL_API_URL, else the profile, else that socket if it exists and no token is"
                    + " set anywhere, else http://127.0.0.1:8640).")
    String apiUrl;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", order = 102,
            description = "Output format: ${COMPLETION-CANDIDATES} (default: table). CSV cells starting"
                    + " with = + - @, TAB or CR get a leading ' so that spreadsheets do not run them as formulas;"
                    + " numbers stay as they are.")
    Format output = Format.table;

    @Option(names = "--no-headers", scope = ScopeType.INHERIT, order = 103,
            description = "Leave out the header line of table and CSV output.")
    boolean noHeaders;

    @Option(names = "--jq", scope = ScopeType.INHERIT, paramLabel = "EXPR", order = 104,
            description = "Filter JSON output with a jq expression (implies -o json).")
    String jq;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, order = 105,
            description = "No colour, also when NO_COLOR is unset.")
    boolean noColor;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 106,
            description = "Trace HTTP requests on stderr (token redacted); stack traces on errors.")
    boolean verbose;

    @Option(names = {"-y", "--yes"}, scope = ScopeType.INHERIT, order = 107,
            description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--no-input", scope = ScopeType.INHERIT, order = 108,
            description = "Never prompt; fail instead when input is missing.")
    boolean noInput;

    /** The global options as parsed. */
    public GlobalOptions options() {
        return new GlobalOptions(profile, apiUrl, output, noHeaders, jq, noColor, verbose, yes, noInput);
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command; run 'hostctl --help' for the list");
    }
}
