package org.hostctl.cli.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.cli.Cli;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.GlobalOptions;
import org.hostctl.cli.output.Printable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive {@code hostctl shell} on a terminal: line editing, completion ({@link ShellCompleter}) and
 * history ({@link ShellHistory}). Each command runs on its own thread; Ctrl-C interrupts it (a command that
 * waits or polls, such as {@code mail log --follow}, ends at once) and the prompt comes back; output that an
 * interrupted command still prints is dropped. The only class that loads the line editor.
 */
final class InteractiveShell {
    /** Exit code of a command stopped by Ctrl-C, as a shell reports it (128 + SIGINT). */
    static final int CANCELLED = 130;
    /** How long a cancelled command may take to end before the prompt comes back anyway. */
    private static final long GRACE_MILLIS = 2000;

    private InteractiveShell() {}

    static int run(CliContext context, GlobalOptions globals, PrintWriter out, PrintWriter err) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("hostctl")
                // no probing of the terminal: its late answers would turn up as typed input
                .graphemeCluster(false).build()) {
            DefaultParser parser = new DefaultParser();
            parser.setEofOnUnclosedQuote(false);
            picocli.CommandLine tree = Cli.build(context, new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter()));
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("hostctl").parser(parser)
                    .completer(new ShellCompleter(tree.getCommandSpec()))
                    .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                    .build();
            // prompts of the commands (confirmations, no-echo passwords): never in the history
            LineReader prompter = LineReaderBuilder.builder().terminal(terminal).appName("hostctl")
                    .variable(LineReader.DISABLE_HISTORY, true).build();
            ShellSession session = new ShellSession(context, globals, true,
                    prompt -> {
                        String s = ask(prompter, prompt, org.jline.reader.impl.LineReaderImpl.NULL_MASK);
                        return s == null ? null : s.toCharArray();
                    },
                    prompt -> ask(prompter, prompt, null));
            Path file = ShellHistory.defaultFile(context.env());
            ShellHistory history = file == null ? null : new ShellHistory(file);
            if (history != null) {
                try {
                    for (String h : history.load()) {
                        reader.getHistory().add(h);
                    }
                } catch (IOException e) {
                    err.println("hostctl: history not read: " + Printable.of(String.valueOf(e.getMessage())));
                    history = null;
                }
            }
            err.println("hostctl " + org.hostctl.cli.Version.get()
                    + " shell: Tab completes, Ctrl-C stops a command, exit or Ctrl-D leaves.");
            err.flush();
            terminal.handle(Terminal.Signal.INT, s -> {});
            while (true) {
                String line;
                try {
                    line = reader.readLine("hostctl> ");
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line typed
                } catch (EndOfFileException e) {
                    return ExitCodes.OK;
                }
                List<String> words;
                try {
                    words = ShellWords.split(line);
                } catch (HostctlException e) {
                    err.println("hostctl: " + e.getMessage());
                    err.flush();
                    continue;
                }
                if (words.isEmpty()) {
                    continue;
                }
                if (words.get(0).equals("exit") || words.get(0).equals("quit")) {
                    Integer status = BatchShell.exitStatus(words, err);
                    if (status != null) {
                        return status;
                    }
                    continue;
                }
                Running running = new Running(session, words, out, err);
                terminal.handle(Terminal.Signal.INT, s -> running.cancel());
                int code;
                try {
                    code = running.await();
                } finally {
                    terminal.handle(Terminal.Signal.INT, s -> {});
                }
                if (code == CANCELLED) {
                    err.println("hostctl: stopped");
                    err.flush();
                }
                // a line refused as a usage error may hold a password typed in the wrong place: not kept
                if (history != null && code != ExitCodes.USAGE && !line.startsWith(" ")) {
                    try {
                        history.append(line);
                    } catch (IOException e) {
                        err.println("hostctl: history not written: " + Printable.of(String.valueOf(e.getMessage())));
                        history = null;
                    }
                }
            }
        }
    }

    /** One answer read from the terminal, or null when Ctrl-C or Ctrl-D ended the prompt. */
    private static String ask(LineReader prompter, String prompt, Character mask) {
        try {
            return prompter.readLine(prompt, mask);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    /** One command on its own thread, with output that stops when it is cancelled. */
    static final class Running {
        private final Thread thread;
        private volatile boolean cancelled;
        private boolean finished;
        private volatile long cancelledAt;
        private volatile int code = ExitCodes.UNEXPECTED;

        Running(ShellSession session, List<String> words, PrintWriter out, PrintWriter err) {
            PrintWriter o = new PrintWriter(new Gate(out), true);
            PrintWriter e = new PrintWriter(new Gate(err), true);
            thread = new Thread(() -> {
                try {
                    code = session.run(words, o, e).exitCode();
                } finally {
                    wake();
                }
            }, "hostctl-command");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void wake() {
            finished = true;
            notifyAll();
        }

        void cancel() {
            synchronized (this) {
                if (!cancelled) {
                    cancelledAt = System.nanoTime();
                    cancelled = true;
                }
                notifyAll();
            }
            thread.interrupt();
        }

        /** Waits for the command; after a cancel at most {@link #GRACE_MILLIS}. */
        synchronized int await() {
            while (!finished) {
                long wait = 0;
                if (cancelled) {
                    wait = GRACE_MILLIS - (System.nanoTime() - cancelledAt) / 1_000_000L;
                    if (wait <= 0) {
                        break;
                    }
                }
                try {
                    wait(wait);
                } catch (InterruptedException ex) {
                    cancelled = true;
                    cancelledAt = System.nanoTime();
                    thread.interrupt();
                }
            }
            return cancelled ? CANCELLED : code;
        }

        /** Passes writes on until the command is cancelled. */
        private final class Gate extends Writer {
            private final PrintWriter to;

            Gate(PrintWriter to) {
                this.to = to;
            }

            @Override
            public void write(char[] buf, int off, int len) {
                if (!cancelled) {
                    to.write(buf, off, len);
                }
            }

            @Override
            public void flush() {
                if (!cancelled) {
                    to.flush();
                }
            }

            @Override
            public void close() {
                flush();
            }
        }
    }
}
