package org.hostctl.cli.cmd.mail;

import org.hostctl.cli.output.TerminalWriter;

/**
 * A one-line progress bar on stderr, redrawn in place with {@code \r} at most every {@value #EVERY_MS} ms. It is
 * only shown on a terminal; {@link #off()} shows nothing.
 */
final class ImportProgress {
    private static final long EVERY_MS = 100;
    private static final int BAR = 30;

    private final TerminalWriter err;
    private final int total;
    private final boolean enabled;
    private final String label;
    private int done;
    private long lastDraw;
    private int drawnWidth;

    ImportProgress(TerminalWriter err, int total, String label, boolean enabled) {
        this.err = err;
        this.total = total;
        this.label = label;
        this.enabled = enabled && total > 0;
    }

    static ImportProgress off() {
        return new ImportProgress(null, 0, "", false);
    }

    /** One more row done; called from the worker threads. */
    synchronized void advance() {
        done++;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        if (done == total || now - lastDraw >= EVERY_MS) {
            lastDraw = now;
            int filled = (int) ((long) BAR * done / total);
            String text = label + " [" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total;
            err.control("\r");
            err.print(text + " ".repeat(Math.max(0, drawnWidth - text.length())));
            err.flush();
            drawnWidth = text.length();
        }
    }

    /** Removes the bar, so that the summary starts on a clean line. */
    synchronized void finish() {
        if (enabled && drawnWidth > 0) {
            err.control("\r");
            err.print(" ".repeat(drawnWidth));
            err.control("\r");
            err.flush();
            drawnWidth = 0;
        }
    }
}
