package org.hostctl.cli.output;

/** How a cell or a word is coloured when colour is on. */
public enum Tone {
    /** As is. */
    PLAIN,
    /** Green: works. */
    GOOD,
    /** Yellow: works in part. */
    WARN,
    /** Red: broken. */
    BAD,
    /** Dim: not known. */
    FAINT
}
