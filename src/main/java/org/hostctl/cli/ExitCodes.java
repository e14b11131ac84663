package org.hostctl.cli;

/** hostctl's exit codes; the same table is in {@code --help} and README. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected failure. */
    public static final int UNEXPECTED = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** The thing does not exist (or is not yours). */
    public static final int NOT_FOUND = 3;
    /** Not authenticated, or the token may not do this. */
    public static final int AUTH = 4;
    /** The server rejected the request: invalid input, conflict, policy. */
    public static final int REJECTED = 5;
    /** The server is unavailable: cannot connect, timeout, 503. */
    public static final int UNAVAILABLE = 6;

    /** Lines for picocli's exit code list. */
    public static final String[] HELP_LIST = {
        "0:Success.",
        "1:Unexpected failure.",
        "2:Usage error: wrong options or arguments.",
        "3:Not found.",
        "4:Not authenticated, or not permitted.",
        "5:Rejected by the server: invalid input, conflict or policy.",
        "6:Unavailable: cannot connect, timeout, or the service is down.",
    };

    private ExitCodes() {}

    /** The exit code for an HTTP error status. */
    public static int forStatus(int status) {
        if (status == 404 || status == 410) {
            return NOT_FOUND;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status == 429 || status == 502 || status == 503 || status == 504) {
            return UNAVAILABLE;
        }
        if (status >= 400 && status < 500) {
            return REJECTED;
        }
        return UNEXPECTED;
    }
}
