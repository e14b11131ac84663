package org.hostctl.cli.output;

/** Output formats of {@code -o/--output}. */
public enum Format {
    table, json, yaml, csv
}
