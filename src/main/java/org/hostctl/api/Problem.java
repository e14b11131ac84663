package org.hostctl.api;

import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * @param type stable identifier of the kind of problem, {@code urn:hostctl:problem:<code>}
 * @param title short summary of the kind of problem
 * @param status the HTTP status
 * @param detail what went wrong in this occurrence, one line
 * @param instance the request path
 * @param errors field-level details, may be null
 */
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {
    /** Prefix of every problem type. */
    public static final String TYPE_PREFIX = "urn:hostctl:problem:";

    /** The media type of problem responses. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input. */
    public record FieldError(String detail, String pointer) {}

    /** The short code after {@link #TYPE_PREFIX}, or the whole type. */
    public String code() {
        return type != null && type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }
}
