package org.hostctl.server.service;

import java.util.List;
import org.hostctl.api.Problem;

/**
 * A failure a client caused or must be told about; the HTTP layer turns its {@link Kind} into a status.
 * The message is one line that names the problem and never carries a secret.
 */
public class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Kind {
        /** The input is malformed or names something impossible. */
        INVALID("invalid-input", "Invalid input"),
        /** The thing does not exist, or belongs to someone else. */
        NOT_FOUND("not-found", "Not found"),
        /** The request conflicts with the current state. */
        CONFLICT("conflict", "Conflict"),
        /** A policy of the provider refuses the request. */
        POLICY("policy", "Refused by policy"),
        /** The input is larger than the provider allows. */
        TOO_LARGE("too-large", "Request too large"),
        /** A file or path cannot be used safely. */
        UNSAFE("unsafe-path", "Unsafe path"),
        /** No or a wrong credential. */
        UNAUTHENTICATED("unauthenticated", "Not authenticated"),
        /** The credential may not do this. */
        FORBIDDEN("forbidden", "Not permitted"),
        /** A backend the request needs is down or too slow. */
        UNAVAILABLE("unavailable", "Service unavailable");

        private final String code;
        private final String title;

        Kind(String code, String title) {
            this.code = code;
            this.title = title;
        }

        /** Stable short code, the end of the problem type. */
        public String code() {
            return code;
        }

        /** Short summary shown as the problem title. */
        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final String code;
    private final List<Problem.FieldError> errors;

    public ServiceException(Kind kind, String message) {
        this(kind, kind.code(), message, null);
    }

    public ServiceException(Kind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public ServiceException(Kind kind, String code, String message, Throwable cause) {
        this(kind, code, message, cause, null);
    }

    /** With field-level details, e.g. a script's compile errors pointing at {@code /content}. */
    public ServiceException(Kind kind, String code, String message, Throwable cause, List<Problem.FieldError> errors) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.errors = errors == null ? null : List.copyOf(errors);
    }

    /** Field-level details, or null. */
    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Kind kind() {
        return kind;
    }

    /** Stable code of this problem, more specific than the kind's where useful (e.g. {@code end-of-life}). */
    public String code() {
        return code;
    }

    public static ServiceException notFound(String message) {
        return new ServiceException(Kind.NOT_FOUND, message);
    }

    public static ServiceException invalid(String message) {
        return new ServiceException(Kind.INVALID, message);
    }

    public static ServiceException conflict(String message) {
        return new ServiceException(Kind.CONFLICT, message);
    }
}
