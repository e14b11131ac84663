package org.hostctl.cli.output;

/** The few ANSI sequences hostctl uses, only when colour is on. */
final class Ansi {
    static final String RESET = "\u001b[0m";
    static final String BOLD = "\u001b[1m";
    static final String RED = "\u001b[31m";
    static final String YELLOW = "\u001b[33m";
    static final String GREEN = "\u001b[32m";
    static final String DIM = "\u001b[2m";
    /** Cursor home and clear screen. */
    static final String CLEAR = "\u001b[H\u001b[2J";

    private Ansi() {}
}
