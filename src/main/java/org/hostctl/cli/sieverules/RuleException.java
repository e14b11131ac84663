package org.hostctl.cli.sieverules;

/** A rule change that cannot be made; {@link #kind()} says why. */
public final class RuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a change cannot be made. */
    public enum Kind {
        /** No rule of that name. */
        NOT_FOUND,
        /** A rule of that name exists already, or the name is ambiguous. */
        CONFLICT,
        /** The script is not in the webmail's rule format. */
        NOT_WEBMAIL,
        /** The rule itself is not valid. */
        INVALID
    }

    private final Kind kind;

    public RuleException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
