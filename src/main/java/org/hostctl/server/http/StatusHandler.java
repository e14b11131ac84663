package org.hostctl.server.http;

import io.javalin.http.Context;
import org.hostctl.server.service.StatusService;

/** {@code /v1/status...}: input parsing only. */
final class StatusHandler {
    private final StatusService status;

    StatusHandler(StatusService status) {
        this.status = status;
    }

    void report(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Responses.json(ctx, 200, status.report(Responses.principal(ctx)));
    }

    void history(Context ctx) {
        Responses.json(ctx, 200, status.history(Responses.principal(ctx), ctx.queryParam("days")));
    }
}
