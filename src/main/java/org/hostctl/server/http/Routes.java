package org.hostctl.server.http;

import static org.hostctl.server.http.Route.Access.PUBLIC;
import static org.hostctl.server.http.Route.Access.READ;
import static org.hostctl.server.http.Route.Access.WRITE;

import java.util.List;

/** The whole route table of hostd's API; the OpenAPI document lists exactly these. */
public final class Routes {
    private Routes() {}

    static List<Route> table(MeHandler me, PhpHandler php, MailHandler mail, SieveHandler sieve,
            MailLogHandler mailLog, StatusHandler status, OpenApiHandler openApi) {
        return List.of(
                new Route("GET", "/v1/openapi.yaml", PUBLIC, openApi::get),
                new Route("GET", "/v1/me", READ, me::get),
                new Route("GET", "/v1/php/versions", READ, php::versions),
                new Route("GET", "/v1/php/settings", READ, php::show),
                new Route("PUT", "/v1/php/settings", WRITE, php::set),
                new Route("DELETE", "/v1/php/settings", WRITE, php::unset),
                new Route("POST", "/v1/php/verify", WRITE, php::verify),
                new Route("POST", "/v1/php/checks", READ, php::startCheck),
                new Route("GET", "/v1/php/checks/{id}", READ, php::checkJob),
                new Route("GET", "/v1/domains", READ, mail::domains),
                new Route("GET", "/v1/mailboxes", READ, mail::list),
                new Route("POST", "/v1/mailboxes", WRITE, mail::create),
                new Route("GET", "/v1/mailboxes/{address}", READ, mail::show),
                new Route("DELETE", "/v1/mailboxes/{address}", WRITE, mail::delete),
                new Route("PUT", "/v1/mailboxes/{address}/password", WRITE, mail::password),
                new Route("PUT", "/v1/mailboxes/{address}/quota", WRITE, mail::quota),
                new Route("PUT", "/v1/mailboxes/{address}/name", WRITE, mail::name),
                new Route("POST", "/v1/mailboxes/{address}/disable", WRITE, mail::disable),
                new Route("POST", "/v1/mailboxes/{address}/enable", WRITE, mail::enable),
                new Route("POST", "/v1/mailboxes/{address}/restore", WRITE, mail::restore),
                new Route("GET", "/v1/mailboxes/{address}/autoreply", READ, mail::autoreply),
                new Route("PUT", "/v1/mailboxes/{address}/autoreply", WRITE, mail::setAutoreply),
                new Route("DELETE", "/v1/mailboxes/{address}/autoreply", WRITE, mail::autoreplyOff),
                new Route("GET", "/v1/mailboxes/{address}/sieve", READ, sieve::list),
                new Route("GET", "/v1/mailboxes/{address}/sieve/{name}", READ, sieve::get),
                new Route("PUT", "/v1/mailboxes/{address}/sieve/{name}", WRITE, sieve::put),
                new Route("DELETE", "/v1/mailboxes/{address}/sieve/{name}", WRITE, sieve::delete),
                new Route("POST", "/v1/mailboxes/{address}/sieve/{name}/activate", WRITE, sieve::activate),
                new Route("POST", "/v1/mailboxes/{address}/sieve/{name}/rename", WRITE, sieve::rename),
                new Route("POST", "/v1/mailboxes/{address}/sieve-deactivate", WRITE, sieve::deactivate),
                new Route("POST", "/v1/mailboxes/{address}/sieve-check", READ, sieve::check),
                new Route("POST", "/v1/mailboxes/{address}/sieve-test", READ, sieve::test),
                new Route("GET", "/v1/aliases", READ, mail::aliases),
                new Route("GET", "/v1/aliases/{source}", READ, mail::alias),
                new Route("POST", "/v1/aliases/{source}", WRITE, mail::addAlias),
                new Route("DELETE", "/v1/aliases/{source}", WRITE, mail::removeAlias),
                new Route("GET", "/v1/mail/log", READ, mailLog::list),
                new Route("GET", "/v1/mail/log/stats", READ, mailLog::stats),
                new Route("GET", "/v1/mail/log/{id}", READ, mailLog::show),
                new Route("GET", "/v1/status", READ, status::report),
                new Route("GET", "/v1/status/history", READ, status::history));
    }
}
