package org.hostctl.client;

import java.util.List;
import org.hostctl.api.Problem;

/** The API answered with an error status; {@link #problem()} holds its problem detail when it sent one. */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Problem problem;

    public ApiException(int status, Problem problem, String message) {
        super(message);
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    /** The problem detail, null when the server sent none. */
    public Problem problem() {
        return problem;
    }

    /** The problem's field-level errors (a Sieve script's line-numbered messages), empty when none. */
    public List<Problem.FieldError> errors() {
        return problem != null && problem.errors() != null ? problem.errors() : List.of();
    }

    /** The problem code ({@code not-found}, {@code end-of-life}, …), or {@code http-<status>}. */
    public String code() {
        return problem != null && problem.code() != null ? problem.code() : "http-" + status;
    }
}
