package org.hostctl.client;

/** The server's answer is larger than hostctl reads ({@link HttpHostApi#DEFAULT_MAX_RESPONSE_BYTES} by default). */
public final class ResponseTooLargeException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    public ResponseTooLargeException(String message) {
        super(message, null);
    }
}
