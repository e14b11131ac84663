package org.hostctl.cli.cmd.sieve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.CliExceptionHandler;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.client.ApiException;
import org.hostctl.client.HostApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl sieve edit}. */
@Command(name = "edit", description = "Edit a Sieve script in your editor and upload it when you are done.",
        footer = {"",
            "Opens $VISUAL, else $EDITOR, else vi, on a private copy; a NAME that does not exist starts empty. An "
                    + "unchanged file uploads nothing. When the server refuses the script, its line-numbered "
                    + "messages are shown and, on a terminal, the editor opens again on your changes (exit 5 "
                    + "otherwise).",
            "",
            "Examples:",
            "  hostctl sieve edit alice@example.com filters",
            "  EDITOR=nano hostctl sieve edit alice@example.com vacation"})
public final class SieveEditCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The mailbox.")
    String address;

    @Parameters(index = "1", paramLabel = "NAME", description = "Script name.")
    String name;

    public SieveEditCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        ScriptInput.name(name);
        out(); // checks -o/--jq before anything else
        HostApi api = api();
        String original = download(api);
        Path file = createPrivateFile();
        try {
            Files.writeString(file, original, StandardCharsets.UTF_8);
            SieveEditSession session = new SieveEditSession(this::runEditor,
                    content -> api.putSieveScript(address, name, new SievePut(content, false)),
                    e -> CliExceptionHandler.report(e, out().err(), false, ""),
                    canPrompt() ? this::askEditAgain : null);
            SieveEditSession.Outcome outcome = session.run(file, original);
            if (outcome.unchanged()) {
                out().info(name + " unchanged; nothing uploaded");
                return ExitCodes.OK;
            }
            SieveScript s = outcome.script();
            SieveOutput.warnings(out(), s.warnings());
            out().one(s, SieveColumns.scripts());
            return ExitCodes.OK;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The stored script's content, or an empty script when there is none of that name. */
    private String download(HostApi api) {
        try {
            SieveScript s = api.sieveScript(address, name);
            return s.content() == null ? "" : s.content();
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            out().info("New script " + name + " for " + address);
            return "";
        }
    }

    private Path createPrivateFile() throws IOException {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            return Files.createTempFile("hostctl-" + safe + "-", ".sieve",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile("hostctl-" + safe + "-", ".sieve");
        }
    }

    private boolean askEditAgain() {
        String answer = context.promptLine("Edit again? [Y/n] ");
        if (answer == null) {
            return false;
        }
        String a = answer.strip();
        return a.isEmpty() || a.equalsIgnoreCase("y") || a.equalsIgnoreCase("yes");
    }

    private void runEditor(Path file) throws IOException {
        List<String> command = editorCommand();
        command.add(file.toString());
        Process p;
        try {
            p = new ProcessBuilder(command).directory(context.cwd().toFile()).inheritIO().start();
        } catch (IOException e) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "cannot start the editor " + command.get(0) + ": "
                    + e.getMessage() + "; set VISUAL or EDITOR");
        }
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new HostctlException(ExitCodes.UNEXPECTED, "interrupted while the editor ran; nothing was uploaded");
        }
        if (status != 0) {
            throw new HostctlException(ExitCodes.UNEXPECTED, "the editor " + command.get(0) + " exited with status "
                    + status + "; nothing was uploaded");
        }
    }

    /** {@code $VISUAL}, else {@code $EDITOR}, else {@code vi}, split at spaces ({@code code --wait}); no shell. */
    List<String> editorCommand() {
        return editorCommand(context.env().get("VISUAL"), context.env().get("EDITOR"));
    }

    static List<String> editorCommand(String visual, String editor) {
        String chosen = visual != null && !visual.isBlank() ? visual
                : editor != null && !editor.isBlank() ? editor : "vi";
        return new ArrayList<>(List.of(chosen.strip().split("\\s+")));
    }
}
