package org.hostctl.cli.cmd;

import org.hostctl.cli.output.Format;

/** The global options of a run. */
public record GlobalOptions(String profile, String apiUrl, Format output, boolean noHeaders, String jq,
        boolean noColor, boolean verbose, boolean yes, boolean noInput) {}
