package org.hostctl.server.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import org.hostctl.server.Hostd;
import org.hostctl.server.service.ServiceException;
import org.hostctl.server.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** hostd's command line: run the API, and the provider's administration of accounts and tokens. */
@Command(name = "hostd", mixinStandardHelpOptions = true, versionProvider = HostdCommand.Version.class,
        sortOptions = false,
        description = "The hosting API that hostctl talks to, and its administration on the host.",
        subcommands = {ServeCommand.class, AccountCommand.class, DomainCommand.class, TokenCommand.class,
                StatusCommand.class, NoticeCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class},
        footer = {"",
            "Examples:",
            "  hostd serve --data /var/lib/hostd",
            "  hostd account add alice --webspace /srv/www/alice \\",
            "      --docroot public_html=https://alice.example/",
            "  hostd domain add alice example.com",
            "  hostd domain move example.com --backend cy-b --dry-run",
            "  hostd token add alice > alice.token",
            "  hostd notice add --service mail --backend mx1 --title 'mx1 is down' \\",
            "      --body-file note.txt",
            "",
            "Exit codes: 0 ok, 1 unexpected, 2 usage, 3 not found, 5 rejected (invalid input, conflict), 6 a service "
                    + "is down (status) or a check failed (doctor)."})
public final class HostdCommand {
    private static volatile boolean serving;

    @Option(names = "--data", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data directory: hostd.yaml, hostd.db (default: $HOSTD_DATA, else /var/lib/hostd).")
    Path data;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output of the administration commands: table or json (default: table).")
    String output = "table";

    final Map<String, String> env;

    HostdCommand(Map<String, String> env) {
        this.env = env;
    }

    /** The configured command line. */
    public static CommandLine build(Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new HostdCommand(env));
        addHelpOption(cmd);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = ex instanceof ServiceException s ? switch (s.kind()) {
                case NOT_FOUND -> 3;
                case UNAVAILABLE -> 6;
                default -> 5;
            } : ex instanceof IllegalArgumentException || ex instanceof StoreException ? 5 : 1;
            c.getErr().println("hostd: " + ex.getMessage());
            if (code == 1) {
                ex.printStackTrace(c.getErr());
            }
            return code;
        });
        return cmd;
    }

    /**
     * Gives every subcommand below {@code parent} a {@code -h/--help} option like hostd's own (which comes from
     * mixinStandardHelpOptions). Not an inherited option on hostd: picocli's {@code help} command has its own.
     */
    private static void addHelpOption(CommandLine parent) {
        for (CommandLine sub : new LinkedHashSet<>(parent.getSubcommands().values())) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.helpCommand()) {
                continue;
            }
            if (spec.findOption("--help") == null) {
                spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOption(sub);
        }
    }

    /** Whether {@code serve} is running, so that main must not exit. */
    public static boolean serving() {
        return serving;
    }

    static void markServing() {
        serving = true;
    }

    Path dataDir() {
        if (data != null) {
            return data;
        }
        String fromEnv = env.get("HOSTD_DATA");
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "/var/lib/hostd");
    }

    Hostd open() {
        return Hostd.open(dataDir(), Clock.systemUTC());
    }

    boolean json() {
        if (!output.equals("json") && !output.equals("table")) {
            throw new IllegalArgumentException("-o must be table or json");
        }
        return output.equals("json");
    }

    /** hostd's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hostd " + org.hostctl.server.ServerVersion.get()};
        }
    }
}
