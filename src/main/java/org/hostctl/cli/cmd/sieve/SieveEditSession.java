package org.hostctl.cli.cmd.sieve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.client.ApiException;

/**
 * The loop of {@code sieve edit}, without HTTP or a terminal: edit the file, upload it when it changed, and on a
 * validation error show the server's messages and, when someone can answer, offer to edit the same file again.
 */
final class SieveEditSession {
    /** Lets the user change {@code file}; returns when they are done. */
    @FunctionalInterface
    interface Editor {
        void edit(Path file) throws IOException;
    }

    /** Stores the script; throws {@link ApiException} (422 when it does not compile). */
    @FunctionalInterface
    interface Uploader {
        SieveScript upload(String content);
    }

    /** Shows a refused upload, e.g. the server's line-numbered messages on stderr. */
    @FunctionalInterface
    interface Reporter {
        void refused(ApiException e);
    }

    /** Asks whether to edit again after a refused upload; null when nobody can answer. */
    @FunctionalInterface
    interface Asker {
        boolean editAgain();
    }

    /**
     * How a session ended.
     *
     * @param script what the server stored, null when nothing was uploaded
     * @param uploads how many uploads were tried
     */
    record Outcome(SieveScript script, int uploads) {
        boolean unchanged() {
            return script == null;
        }
    }

    private final Editor editor;
    private final Uploader uploader;
    private final Reporter reporter;
    private final Asker asker;

    /** {@code asker} is null when nobody can answer, i.e. not on a terminal. */
    SieveEditSession(Editor editor, Uploader uploader, Reporter reporter, Asker asker) {
        this.editor = editor;
        this.uploader = uploader;
        this.reporter = reporter;
        this.asker = asker;
    }

    /**
     * Edits {@code file}, which holds {@code original}, until the server takes it or the user gives up.
     *
     * @return the stored script, or an outcome with none when the file was left unchanged
     * @throws ApiException a refusal when nobody can answer, and any other error of the upload, at once
     * @throws HostctlException (exit 5) when the user chooses not to edit a refused script again
     */
    Outcome run(Path file, String original) throws IOException {
        int uploads = 0;
        while (true) {
            editor.edit(file);
            String content = ScriptInput.utf8(Files.readAllBytes(file), "the edited script");
            if (content.equals(original)) {
                return new Outcome(null, uploads);
            }
            uploads++;
            try {
                return new Outcome(uploader.upload(content), uploads);
            } catch (ApiException e) {
                if (!isValidationError(e) || asker == null) {
                    throw e;
                }
                reporter.refused(e);
                if (!asker.editAgain()) {
                    throw new HostctlException(ExitCodes.REJECTED, "not saved: the server refused the script");
                }
            }
        }
    }

    static boolean isValidationError(ApiException e) {
        return e.status() == 422;
    }
}
