package org.hostctl.server.fs;

/** What a path inside the webspace is, looked at without following symbolic links. */
public record PathInfo(Kind kind, long size, boolean ownedByAccount) {
    /** The kind of filesystem object. */
    public enum Kind { MISSING, DIRECTORY, REGULAR_FILE, SYMBOLIC_LINK, OTHER }

    static final PathInfo MISSING = new PathInfo(Kind.MISSING, 0, false);

    /** True if the path exists (as anything, including a symbolic link). */
    public boolean exists() {
        return kind != Kind.MISSING;
    }
}
