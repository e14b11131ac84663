package org.hostctl.server.fs;

/** A path, file or directory that hostd refuses to touch; the message is a one-line human reason. */
public class UnsafePathException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line reason such as {@code "sub is a symbolic link"}. */
    public UnsafePathException(String reason) {
        super(reason);
    }
}
