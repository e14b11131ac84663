package org.hostctl.server.http;

import io.javalin.http.Handler;

/**
 * One row of hostd's route table.
 *
 * @param method HTTP method
 * @param path Javalin path, e.g. {@code /v1/php/settings}
 * @param access who may call it
 * @param handler what answers it
 */
public record Route(String method, String path, Access access, Handler handler) {
    /** Who may call a route. */
    public enum Access {
        /** Anyone, without a token. */
        PUBLIC,
        /** Any valid token, read-only ones included. */
        READ,
        /** A valid token that is not read-only. */
        WRITE
    }
}
