package org.hostctl.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import org.hostctl.cli.cmd.HostctlCommand;
import picocli.CommandLine;

/** Builds the configured command line, for {@link Main} and for tests. */
public final class Cli {
    private Cli() {}

    /** The hostctl command tree wired to {@code context}, printing to {@code out} and {@code err}. */
    public static CommandLine build(CliContext context, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new HostctlCommand(), new Factory(context));
        CliExceptionHandler handler = new CliExceptionHandler();
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(handler);
        cmd.setParameterExceptionHandler(handler);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpAutoWidth(true);
        return cmd;
    }

    /** Creates commands, handing them the context when their constructor takes it. */
    static final class Factory implements CommandLine.IFactory {
        private final CliContext context;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(CliContext context) {
            this.context = context;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> c = type.getDeclaredConstructor(CliContext.class);
                return c.newInstance(context);
            } catch (NoSuchMethodException e) {
                return fallback.create(type);
            }
        }
    }
}
