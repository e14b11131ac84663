package org.hostctl.server.http;

import io.javalin.http.Context;
import org.hostctl.server.service.AccountService;

/** {@code /v1/me}. */
final class MeHandler {
    private final AccountService accounts;

    MeHandler(AccountService accounts) {
        this.accounts = accounts;
    }

    void get(Context ctx) {
        Responses.json(ctx, 200, accounts.me(Responses.principal(ctx)));
    }
}
