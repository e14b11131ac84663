package org.hostctl.server.sieve;

import java.util.List;

/** A script that does not compile: the server's messages, one per error, with their line numbers. */
public class SieveCompileException extends SieveException {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public SieveCompileException(List<String> errors) {
        super(Code.REFUSED, errors.isEmpty() ? "the script does not compile" : errors.get(0));
        this.errors = List.copyOf(errors);
    }

    /** Each error as the server words it, e.g. {@code line 4: error: expected end of command ';' ...}. */
    public List<String> errors() {
        return errors;
    }
}
