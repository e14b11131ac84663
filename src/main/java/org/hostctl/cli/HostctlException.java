package org.hostctl.cli;

/** A controlled failure: one line for stderr and an exit code. */
public class HostctlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public HostctlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static HostctlException usage(String message) {
        return new HostctlException(ExitCodes.USAGE, message);
    }
}
