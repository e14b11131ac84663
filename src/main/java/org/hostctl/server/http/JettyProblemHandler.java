package org.hostctl.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.hostctl.api.Json;
import org.hostctl.api.Problem;

/**
 * Answers the errors Jetty raises before a request reaches Javalin (URI too long, malformed or oversized
 * headers) as {@code application/problem+json} too, instead of Jetty's HTML page. The request line may be
 * unparsable, so the problem has no {@code instance} and echoes nothing from the request.
 */
final class JettyProblemHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        String reason = HttpStatus.getMessage(code);
        String type = switch (code) {
            case 400 -> "bad-request";
            case 413 -> "too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            default -> "http-" + code;
        };
        Problem p = new Problem(Problem.TYPE_PREFIX + type, reason, code,
                "the request was refused before it reached the API: " + reason, null, null);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(Json.mapper().writeValueAsBytes(p)), callback);
    }
}
