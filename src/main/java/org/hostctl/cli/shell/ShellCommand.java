package org.hostctl.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostctl shell}: many commands in one process. On a terminal an interactive prompt
 * ({@link InteractiveShell}, the only code that loads the line editor); otherwise a script ({@link BatchShell}).
 */
@Command(name = "shell", sortOptions = false,
        description = {"Run many commands in one hostctl: an interactive prompt on a terminal, or a script of "
                + "commands read from stdin or FILE, one per line."},
        footer = {"",
            "Every line is a hostctl command without the word hostctl, parsed and run like one (same options, "
                    + "messages and exit codes), without starting hostctl again: a script of a thousand commands "
                    + "pays the start once. Global options given to 'hostctl shell' apply to every line; a line may "
                    + "override them.",
            "",
            "Lines are quoted as in sh ('single', \"double\", backslash), without variables, globs, pipes or "
                    + "redirections. Blank lines and lines starting with # are skipped. 'exit [STATUS]' stops.",
            "",
            "Script (stdin not a terminal, or FILE): commands run in order and the first that fails stops the "
                    + "script; --keep-going runs the rest. Exit status: 0 when every command succeeded, else the "
                    + "exit code of the first failure. Each failure is named on stderr with its line number.",
            "",
            "--jsonl prints, instead of the commands' own output, one JSON object per command on stdout, "
                    + "when the command ends:",
            "  {\"line\":3,\"command\":\"php versions\",\"exit\":0,\"result\":\"...\",\"stderr\":null}",
            "result is the command's stdout: parsed when it printed JSON (-o json or --jq, on the line or given "
                    + "to the shell; JSON values on several lines become an array), a string otherwise, null when "
                    + "empty. stderr is its messages, or null.",
            "",
            "Terminal: Tab completes commands and options; history is kept in "
                    + "$XDG_STATE_HOME/hostctl/history (~/.local/state/hostctl/history), readable by you only. "
                    + "Lines starting with a space and lines refused as usage errors are not kept. Ctrl-C stops "
                    + "the running command (e.g. mail log --follow) and not the shell; exit or Ctrl-D leaves.",
            "",
            "A command cannot read stdin inside the shell (it is the shell's input): --password-stdin is "
                    + "refused; use --password-file FILE or --generate, or on a terminal the no-echo prompt. "
                    + "'hostctl shell' does not run inside itself.",
            "",
            "Examples:",
            "  hostctl shell",
            "  hostctl shell --keep-going < jobs.txt",
            "  hostctl -o json shell --jsonl jobs.txt | jq 'select(.exit != 0)'",
            "  hostctl shell <<'EOF'",
            "  php set 8.3 public_html/shop",
            "  mailbox create info@example.com --password-file pw.txt",
            "  EOF"})
public final class ShellCommand extends BaseCommand {
    @Option(names = "--keep-going", description = "Run the rest of a script after a command failed.")
    boolean keepGoing;

    @Option(names = "--jsonl", description = "Print one JSON object per command: line, command, exit, result, "
            + "stderr.")
    boolean jsonLines;

    @Parameters(paramLabel = "FILE", arity = "0..1",
            description = "Read the commands from FILE (default: stdin; - is stdin).")
    String file;

    public ShellCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        if (context.inShell()) {
            throw HostctlException.usage("hostctl shell does not run inside hostctl shell");
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        boolean script = (file != null && !file.equals("-")) || !context.interactive();
        if (!script) {
            return InteractiveShell.run(context, global(), out, err);
        }
        ShellSession session = new ShellSession(context, global(), false, prompt -> null, prompt -> null);
        BatchShell batch = new BatchShell(session, keepGoing, jsonLines);
        if (file == null || file.equals("-")) {
            return batch.run(new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8)),
                    out, err);
        }
        Path path = context.cwd().resolve(file);
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return batch.run(in, out, err);
        } catch (NoSuchFileException e) {
            throw new HostctlException(ExitCodes.NOT_FOUND, "no such file: " + file);
        }
    }
}
