package org.hostctl.server.http;

import io.javalin.http.Context;
import org.hostctl.api.SieveCheck;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveRename;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.server.service.SieveService;

/** {@code /v1/mailboxes/{address}/sieve...}: input parsing only. */
final class SieveHandler {
    private final SieveService sieve;

    SieveHandler(SieveService sieve) {
        this.sieve = sieve;
    }

    void list(Context ctx) {
        Responses.json(ctx, 200, sieve.list(Responses.principal(ctx), address(ctx)));
    }

    void get(Context ctx) {
        Responses.json(ctx, 200, sieve.get(Responses.principal(ctx), address(ctx), name(ctx)));
    }

    void put(Context ctx) {
        SievePut req = Responses.body(ctx, SievePut.class);
        Responses.json(ctx, 200, sieve.put(Responses.principal(ctx), address(ctx), name(ctx), req));
    }

    void delete(Context ctx) {
        boolean deactivate = Responses.flag(ctx, "deactivate");
        sieve.delete(Responses.principal(ctx), address(ctx), name(ctx), deactivate);
        ctx.status(204);
    }

    void activate(Context ctx) {
        Responses.json(ctx, 200, sieve.activate(Responses.principal(ctx), address(ctx), name(ctx)));
    }

    void rename(Context ctx) {
        SieveRename req = Responses.body(ctx, SieveRename.class);
        Responses.json(ctx, 200, sieve.rename(Responses.principal(ctx), address(ctx), name(ctx), req));
    }

    void deactivate(Context ctx) {
        sieve.deactivate(Responses.principal(ctx), address(ctx));
        ctx.status(204);
    }

    void check(Context ctx) {
        SieveCheck req = Responses.body(ctx, SieveCheck.class);
        Responses.json(ctx, 200, sieve.check(Responses.principal(ctx), address(ctx), req));
    }

    void test(Context ctx) {
        SieveTestRequest req = Responses.body(ctx, SieveTestRequest.class);
        Responses.json(ctx, 200, sieve.test(Responses.principal(ctx), address(ctx), req));
    }

    private static String address(Context ctx) {
        return ctx.pathParam("address");
    }

    private static String name(Context ctx) {
        return ctx.pathParam("name");
    }
}
