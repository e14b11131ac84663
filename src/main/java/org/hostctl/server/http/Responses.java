package org.hostctl.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.javalin.http.Context;
import org.hostctl.api.Json;
import org.hostctl.server.service.Principal;
import org.hostctl.server.service.ServiceException;

/** Small helpers shared by the handlers. */
final class Responses {
    /** Request attribute holding the authenticated {@link Principal}. */
    static final String PRINCIPAL = "hostd.principal";

    private Responses() {}

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    static <T> T body(Context ctx, Class<T> type) {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0) {
            throw ServiceException.invalid("the request needs a JSON body");
        }
        try {
            T value = Json.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(raw);
            if (value == null) {
                throw ServiceException.invalid("the request needs a JSON body");
            }
            return value;
        } catch (java.io.IOException e) {
            throw new ServiceException(ServiceException.Kind.INVALID, "malformed-body",
                    "the request body is not valid JSON for this call");
        }
    }

    static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ServiceException.invalid("query parameter " + name + " must be true or false");
        };
    }
}
