package org.hostctl.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI document of this API. */
final class OpenApiHandler {
    /** Class path location of the document. */
    static final String RESOURCE = "/openapi/hostd-v1.yaml";

    private final byte[] document;

    OpenApiHandler() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void get(Context ctx) {
        ctx.contentType("application/yaml").result(document);
    }
}
