package org.hostctl.server.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.api.Problem;
import org.hostctl.server.service.ServiceException;
import org.hostctl.server.sieve.SieveUnavailableException;
import org.hostctl.server.store.BusyException;
import org.hostctl.server.store.DuplicateException;
import org.hostctl.server.store.InUseException;
import org.hostctl.server.store.NotFoundException;
import org.hostctl.server.store.StoreException;
import org.hostctl.server.text.Escape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into an {@code application/problem+json} response (RFC 9457). */
final class ProblemMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private ProblemMapper() {}

    static void service(ServiceException e, Context ctx) {
        int status = status(e.kind());
        if (e.kind() == ServiceException.Kind.UNAVAILABLE) {
            ctx.header("Retry-After", "30");
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), Escape.line(e.getMessage()));
        }
        write(ctx, status, e.code(), e.kind().title(), e.getMessage(), e.errors());
    }

    /** A Sieve backend (ManageSieve server) that is down, too slow or answered nonsense. */
    static void sieveUnavailable(SieveUnavailableException e, Context ctx) {
        sieveUnavailable(e, ctx, null);
    }

    /** Like {@link #sieveUnavailable(SieveUnavailableException, Context)}, adding since when it is down, if known. */
    static void sieveUnavailable(SieveUnavailableException e, Context ctx, String downSince) {
        ctx.header("Retry-After", "30");
        LOG.warn("{} {}: {}{}", ctx.method(), ctx.path(), Escape.line(e.getMessage()),
                e.getCause() == null ? "" : " (" + Escape.line(e.getCause().toString()) + ")");
        String detail = downSince == null ? e.getMessage() : e.getMessage() + "; down since " + downSince;
        write(ctx, 503, "backend-unavailable", ServiceException.Kind.UNAVAILABLE.title(), detail, null);
    }

    static void http(HttpResponseException e, Context ctx) {
        String code = switch (e.getStatus()) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "too-large";
            default -> "http-" + e.getStatus();
        };
        write(ctx, e.getStatus(), code, title(e.getStatus()), e.getMessage(), null);
    }

    static void store(StoreException e, Context ctx) {
        if (e instanceof DuplicateException || e instanceof InUseException) {
            write(ctx, 409, "conflict", "Conflict", e.getMessage(), null);
        } else if (e instanceof NotFoundException) {
            write(ctx, 404, "not-found", "Not found", e.getMessage(), null);
        } else if (e instanceof BusyException) {
            ctx.header("Retry-After", "5");
            write(ctx, 503, "busy", "Service unavailable", "the store is busy; try again", null);
        } else {
            unexpected(e, ctx);
        }
    }

    static void badJson(Exception e, Context ctx) {
        write(ctx, 400, "malformed-body", "Malformed request body", "the request body is not valid JSON for this call",
                null);
    }

    static void unexpected(Exception e, Context ctx) {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        write(ctx, 500, "internal", "Internal error", "hostd failed to handle the request; the provider's log has"
                + " the cause", null);
    }

    static void write(Context ctx, int status, String code, String title, String detail,
            List<Problem.FieldError> errors) {
        Problem p = new Problem(Problem.TYPE_PREFIX + code, title, status, detail, ctx.path(), errors);
        ctx.status(status).contentType(Problem.MEDIA_TYPE);
        try {
            ctx.result(Json.mapper().writeValueAsBytes(p));
        } catch (Exception e) {
            ctx.result("{\"status\":" + status + "}");
        }
    }

    static int status(ServiceException.Kind kind) {
        return switch (kind) {
            case INVALID, POLICY, UNSAFE -> 422;
            case TOO_LARGE -> 413;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case UNAVAILABLE -> 503;
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request too large";
            default -> "HTTP " + status;
        };
    }
}
