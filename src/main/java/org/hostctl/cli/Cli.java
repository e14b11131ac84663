package org.hostctl.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hostctl.cli.cmd.ApiCommand;
import org.hostctl.cli.cmd.CompletionCommand;
import org.hostctl.cli.cmd.HostctlCommand;
import org.hostctl.cli.cmd.auth.AuthCommand;
import org.hostctl.cli.cmd.mail.AliasCommand;
import org.hostctl.cli.cmd.mail.AutoreplyCommand;
import org.hostctl.cli.cmd.mail.DomainCommand;
import org.hostctl.cli.cmd.mail.MailboxCommand;
import org.hostctl.cli.cmd.maillog.MailCommand;
import org.hostctl.cli.cmd.php.PhpCommand;
import org.hostctl.cli.cmd.sieve.SieveCommand;
import org.hostctl.cli.cmd.status.StatusCommand;
import org.hostctl.cli.output.TerminalWriter;
import org.hostctl.cli.shell.ShellCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Builds the configured command line, for {@link Main} and for tests.
 *
 * <p>picocli builds the spec of every annotated command up front, which costs most of hostctl's start-up.
 * {@link #build} makes the whole tree (tests, help, docs, completion); {@link #forArgs} makes only the
 * command group a command line names, which parses and runs that command line the same way.
 */
public final class Cli {
    /** The root's subcommands, in the order {@code hostctl --help} lists them. */
    private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("auth", AuthCommand.class);
        COMMANDS.put("php", PhpCommand.class);
        COMMANDS.put("domain", DomainCommand.class);
        COMMANDS.put("mailbox", MailboxCommand.class);
        COMMANDS.put("alias", AliasCommand.class);
        COMMANDS.put("autoreply", AutoreplyCommand.class);
        COMMANDS.put("sieve", SieveCommand.class);
        COMMANDS.put("mail", MailCommand.class);
        COMMANDS.put("status", StatusCommand.class);
        COMMANDS.put("api", ApiCommand.class);
        COMMANDS.put("shell", ShellCommand.class);
        COMMANDS.put("completion", CompletionCommand.class);
    }

    /** Commands that need the whole tree even when named: completion scripts cover every command. */
    private static final Set<String> NEED_WHOLE_TREE = Set.of("completion");

    private Cli() {}

    /** The whole hostctl command tree wired to {@code context}, printing to {@code out} and {@code err}. */
    public static CommandLine build(CliContext context, PrintWriter out, PrintWriter err) {
        return tree(context, out, err, null);
    }

    /**
     * A command tree that runs {@code args} like {@link #build} does: only the subcommand group the
     * arguments name, or the whole tree when they name none (root help, usage errors).
     */
    public static CommandLine forArgs(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        return tree(context, out, err, args);
    }

    private static CommandLine tree(CliContext context, PrintWriter out, PrintWriter err, String[] args) {
        Factory factory = new Factory(context);
        CommandLine cmd = new CommandLine(new HostctlCommand(), factory);
        int at = args == null ? -1 : commandAt(cmd.getCommandSpec(), args);
        String only = at < 0 || NEED_WHOLE_TREE.contains(args[at]) ? null : args[at];
        for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) {
            if (only == null) {
                cmd.addSubcommand(c.getKey(), new CommandLine(c.getValue(), factory));
            } else if (only.equals(c.getKey())) {
                cmd.addSubcommand(c.getKey(), command(c.getValue(), factory, args, at + 1));
            }
        }
        CliExceptionHandler handler = new CliExceptionHandler();
        // every character that reaches the terminal passes the escaping writer; only help may colour itself
        TerminalWriter safeOut = TerminalWriter.of(out);
        cmd.setOut(safeOut);
        cmd.setErr(TerminalWriter.of(err));
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cmd.setExecutionStrategy(parsed -> helpRequested(parsed) ? safeOut.trusted(() -> run.execute(parsed))
                : run.execute(parsed));
        cmd.setExecutionExceptionHandler(handler);
        cmd.setParameterExceptionHandler(handler);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpAutoWidth(true);
        return cmd;
    }

    /** Whether the command line asks for hostctl's own help or version text, and nothing else runs. */
    private static boolean helpRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
            if (p.subcommand() == null) {
                return p.commandSpec().userObject() instanceof CommandLine.HelpCommand;
            }
        }
        return false;
    }

    /**
     * The command {@code type} for a command line whose next word is {@code args[next]}. A group that only holds
     * subcommands (it runs nothing and has no options of its own) gets only the subcommand that word names, built
     * the same way in turn ({@code sieve rule add}); anything else is built whole: its annotations are what picocli
     * spends hostctl's start-up on. The group keeps its name and aliases; its own help, descriptions and the names
     * of its other subcommands are needed only when no subcommand is named, and then it is built whole.
     */
    private static CommandLine command(Class<?> type, Factory factory, String[] args, int next) {
        Command group = type.getAnnotation(Command.class);
        if (next >= args.length || group == null || group.subcommands().length == 0 || !onlyHoldsSubcommands(type)) {
            return new CommandLine(type, factory);
        }
        for (Class<?> sub : group.subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            if (c != null && (c.name().equals(args[next]) || List.of(c.aliases()).contains(args[next]))) {
                CommandSpec spec;
                try {
                    spec = CommandSpec.wrapWithoutInspection(factory.create(type), factory);
                } catch (Exception e) {
                    return new CommandLine(type, factory);
                }
                spec.name(group.name()).aliases(group.aliases());
                CommandLine cmd = new CommandLine(spec, factory);
                cmd.addSubcommand(c.name(), command(sub, factory, args, next + 1), c.aliases());
                return cmd;
            }
        }
        return new CommandLine(type, factory);
    }

    /** Whether a command class is a plain group: it runs nothing and declares no fields or methods of its own. */
    private static boolean onlyHoldsSubcommands(Class<?> type) {
        return !Runnable.class.isAssignableFrom(type) && !Callable.class.isAssignableFrom(type)
                && type.getDeclaredFields().length == 0 && type.getDeclaredMethods().length == 0;
    }

    /**
     * The index in {@code args} of the subcommand they name after the root's options ({@code hostctl -o json php
     * show} names {@code php}, at 2), or -1 when they name none or contain something the root does not know.
     */
    static int commandAt(CommandSpec root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return -1;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return COMMANDS.containsKey(a) ? i : -1;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                OptionSpec o = root.findOption(eq < 0 ? a : a.substring(0, eq));
                if (o == null) {
                    return -1;
                }
                if (takesValue(o) && COMMANDS.containsKey(eq < 0 ? valueAt(args, ++i) : a.substring(eq + 1))) {
                    return -1; // picocli refuses a command name as an option's value: let it say so
                }
                continue;
            }
            for (int j = 1; j < a.length(); j++) { // a cluster of short options: -vy, -vo json, -ojson
                OptionSpec o = root.findOption(a.charAt(j));
                if (o == null) {
                    return -1;
                }
                if (takesValue(o)) {
                    String value = j == a.length() - 1 ? valueAt(args, ++i) : a.substring(j + 1).replaceFirst("^=", "");
                    if (COMMANDS.containsKey(value)) {
                        return -1;
                    }
                    break;
                }
            }
        }
        return -1;
    }

    private static String valueAt(String[] args, int i) {
        return i < args.length ? args[i] : "";
    }

    private static boolean takesValue(OptionSpec o) {
        return o.arity().max() > 0;
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
