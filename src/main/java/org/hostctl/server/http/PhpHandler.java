package org.hostctl.server.http;

import io.javalin.http.Context;
import java.util.List;
import org.hostctl.api.PhpCheckJob;
import org.hostctl.api.PhpCheckRequest;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.server.service.PhpService;
import org.hostctl.server.service.ServiceException;

/** {@code /v1/php/...}: input parsing only; {@link PhpService} does the work. */
final class PhpHandler {
    private final PhpService php;

    PhpHandler(PhpService php) {
        this.php = php;
    }

    void versions(Context ctx) {
        Responses.json(ctx, 200, php.versions(Responses.principal(ctx)));
    }

    void show(Context ctx) {
        List<String> paths = ctx.queryParams("path");
        Responses.json(ctx, 200, php.show(Responses.principal(ctx), paths, Responses.flag(ctx, "recursive")));
    }

    void set(Context ctx) {
        PhpSetRequest req = Responses.body(ctx, PhpSetRequest.class);
        Responses.json(ctx, 200, php.set(Responses.principal(ctx), onePath(ctx), req));
    }

    void unset(Context ctx) {
        Responses.json(ctx, 200, php.unset(Responses.principal(ctx), onePath(ctx), Responses.flag(ctx, "dryRun")));
    }

    void verify(Context ctx) {
        Responses.json(ctx, 200, php.verify(Responses.principal(ctx), onePath(ctx)));
    }

    void startCheck(Context ctx) {
        PhpCheckJob job = php.startCheck(Responses.principal(ctx), Responses.body(ctx, PhpCheckRequest.class));
        ctx.header("Location", "/v1/php/checks/" + job.id());
        Responses.json(ctx, 202, job);
    }

    void checkJob(Context ctx) {
        Responses.json(ctx, 200, php.checkJob(Responses.principal(ctx), ctx.pathParam("id")));
    }

    private static String onePath(Context ctx) {
        List<String> paths = ctx.queryParams("path");
        if (paths.size() != 1) {
            throw ServiceException.invalid("give exactly one query parameter path");
        }
        return paths.get(0);
    }
}
