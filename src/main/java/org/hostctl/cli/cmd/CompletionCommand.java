package org.hostctl.cli.cmd;

import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl completion}. */
@Command(name = "completion", sortOptions = false,
        description = "Print a shell completion script.",
        footer = {"",
            "Examples:",
            "  source <(hostctl completion bash)                       # this bash session",
            "  hostctl completion bash > /etc/bash_completion.d/hostctl",
            "  echo 'source <(hostctl completion zsh)' >> ~/.zshrc      # after compinit"})
public final class CompletionCommand extends BaseCommand {
    /** Shells with a completion script. */
    public enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    public CompletionCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        spec.commandLine().getOut().print(script(spec.root().commandLine(), shell));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The completion script for {@code shell}, generated from the command tree. */
    public static String script(picocli.CommandLine root, Shell shell) {
        String bash = AutoComplete.bash("hostctl", root);
        if (shell == Shell.bash) {
            return bash;
        }
        return "# zsh completion for hostctl: the bash script through zsh's bashcompinit.\n"
                + "# Source it from ~/.zshrc after compinit: source <(hostctl completion zsh)\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash;
    }
}
