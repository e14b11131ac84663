package org.hostctl.server.http;

import io.javalin.http.Context;
import java.util.List;
import org.hostctl.api.AliasChange;
import org.hostctl.api.Autoreply;
import org.hostctl.api.MailboxCreate;
import org.hostctl.api.NameChange;
import org.hostctl.api.PasswordChange;
import org.hostctl.api.QuotaChange;
import org.hostctl.server.service.AliasService;
import org.hostctl.server.service.AutoreplyService;
import org.hostctl.server.service.MailboxService;

/** {@code /v1/domains}, {@code /v1/mailboxes/...}, {@code /v1/aliases/...}: input parsing only. */
final class MailHandler {
    private final MailboxService mailboxes;
    private final AliasService aliases;
    private final AutoreplyService autoreplies;

    MailHandler(MailboxService mailboxes, AliasService aliases, AutoreplyService autoreplies) {
        this.mailboxes = mailboxes;
        this.aliases = aliases;
        this.autoreplies = autoreplies;
    }

    void domains(Context ctx) {
        Responses.json(ctx, 200, mailboxes.domains(Responses.principal(ctx)));
    }

    void list(Context ctx) {
        Responses.json(ctx, 200, mailboxes.list(Responses.principal(ctx), ctx.queryParam("domain")));
    }

    void create(Context ctx) {
        MailboxCreate req = Responses.body(ctx, MailboxCreate.class);
        Responses.json(ctx, 201, mailboxes.create(Responses.principal(ctx), req));
    }

    void show(Context ctx) {
        Responses.json(ctx, 200, mailboxes.show(Responses.principal(ctx), address(ctx)));
    }

    void delete(Context ctx) {
        Responses.json(ctx, 200, mailboxes.delete(Responses.principal(ctx), address(ctx)));
    }

    void password(Context ctx) {
        PasswordChange req = Responses.body(ctx, PasswordChange.class);
        Responses.json(ctx, 200, mailboxes.passwd(Responses.principal(ctx), address(ctx), req));
    }

    void quota(Context ctx) {
        QuotaChange req = Responses.body(ctx, QuotaChange.class);
        Responses.json(ctx, 200, mailboxes.quota(Responses.principal(ctx), address(ctx), req.quotaBytes()));
    }

    void name(Context ctx) {
        NameChange req = Responses.body(ctx, NameChange.class);
        Responses.json(ctx, 200, mailboxes.rename(Responses.principal(ctx), address(ctx), req.name()));
    }

    void disable(Context ctx) {
        Responses.json(ctx, 200, mailboxes.setActive(Responses.principal(ctx), address(ctx), false));
    }

    void enable(Context ctx) {
        Responses.json(ctx, 200, mailboxes.setActive(Responses.principal(ctx), address(ctx), true));
    }

    void restore(Context ctx) {
        Responses.json(ctx, 200, mailboxes.restore(Responses.principal(ctx), address(ctx)));
    }

    void autoreply(Context ctx) {
        Responses.json(ctx, 200, autoreplies.show(Responses.principal(ctx), address(ctx)));
    }

    void setAutoreply(Context ctx) {
        Autoreply req = Responses.body(ctx, Autoreply.class);
        Responses.json(ctx, 200, autoreplies.set(Responses.principal(ctx), address(ctx), req));
    }

    void autoreplyOff(Context ctx) {
        Responses.json(ctx, 200, autoreplies.off(Responses.principal(ctx), address(ctx)));
    }

    void aliases(Context ctx) {
        Responses.json(ctx, 200, aliases.list(Responses.principal(ctx), ctx.queryParam("domain")));
    }

    void alias(Context ctx) {
        Responses.json(ctx, 200, aliases.show(Responses.principal(ctx), ctx.pathParam("source")));
    }

    void addAlias(Context ctx) {
        AliasChange req = Responses.body(ctx, AliasChange.class);
        Responses.json(ctx, 200, aliases.add(Responses.principal(ctx), ctx.pathParam("source"), req.destinations()));
    }

    void removeAlias(Context ctx) {
        List<String> dests = ctx.queryParams("destination");
        aliases.remove(Responses.principal(ctx), ctx.pathParam("source"), dests);
        ctx.status(204);
    }

    private static String address(Context ctx) {
        return ctx.pathParam("address");
    }
}
