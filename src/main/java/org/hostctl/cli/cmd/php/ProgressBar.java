package org.hostctl.cli.cmd.php;

import org.hostctl.cli.output.TerminalWriter;

/** A one-line progress bar redrawn in place with carriage returns; draws nothing when not on a terminal. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final TerminalWriter err;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(TerminalWriter err, boolean terminal) {
        this.err = err;
        this.enabled = terminal;
    }

    /** Draws {@code done} of {@code total}. */
    void show(int done, int total) {
        if (!enabled || total <= 0) {
            return;
        }
        int filled = (int) ((long) WIDTH * Math.min(done, total) / total);
        err.control("\r");
        err.print("[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " files");
        err.flush();
        drawn = true;
    }

    /** Removes the bar so that the next line starts clean. */
    void clear() {
        if (drawn) {
            err.control("\r");
            err.print(" ".repeat(WIDTH + 30));
            err.control("\r");
            err.flush();
            drawn = false;
        }
    }
}
