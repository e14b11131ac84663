package org.hostctl.cli.output;

/** The few ANSI sequences hostctl uses, only when colour is on. */
final class Ansi {
    static final String RESET = "\u001b[0m";
    static final String BOLD = "\u001b[1m";
    static final String RED = "\u001b[31m";
    static final String YELLOW = "\u001b[33m";

    private Ansi() {}
}
