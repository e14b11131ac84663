package org.hostctl.server.http;

import io.javalin.http.Context;
import org.hostctl.server.service.MailLogService;

/** {@code /v1/mail/log...}: input parsing only. */
final class MailLogHandler {
    private final MailLogService log;

    MailLogHandler(MailLogService log) {
        this.log = log;
    }

    void list(Context ctx) {
        MailLogService.Filter f = new MailLogService.Filter(ctx.queryParam("from"), ctx.queryParam("to"),
                ctx.queryParam("since"), ctx.queryParam("until"), ctx.queryParam("status"),
                ctx.queryParam("messageId"), ctx.queryParam("queueId"), ctx.queryParam("direction"),
                ctx.queryParam("limit"), ctx.queryParam("cursor"));
        Responses.json(ctx, 200, log.list(Responses.principal(ctx), f));
    }

    void show(Context ctx) {
        Responses.json(ctx, 200, log.show(Responses.principal(ctx), ctx.pathParam("id")));
    }

    void stats(Context ctx) {
        Responses.json(ctx, 200, log.stats(Responses.principal(ctx), ctx.queryParam("since"),
                ctx.queryParam("until"), ctx.queryParam("by"), ctx.queryParam("direction")));
    }
}
