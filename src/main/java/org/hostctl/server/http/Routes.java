package org.hostctl.server.http;

import static org.hostctl.server.http.Route.Access.PUBLIC;
import static org.hostctl.server.http.Route.Access.READ;
import static org.hostctl.server.http.Route.Access.WRITE;

import java.util.List;

/** The whole route table of hostd's API; the OpenAPI document lists exactly these. */
public final class Routes {
    private Routes() {}

    static List<Route> table(MeHandler me, PhpHandler php, OpenApiHandler openApi) {
        return List.of(
                new Route("GET", "/v1/openapi.yaml", PUBLIC, openApi::get),
                new Route("GET", "/v1/me", READ, me::get),
                new Route("GET", "/v1/php/versions", READ, php::versions),
                new Route("GET", "/v1/php/settings", READ, php::show),
                new Route("PUT", "/v1/php/settings", WRITE, php::set),
                new Route("DELETE", "/v1/php/settings", WRITE, php::unset),
                new Route("POST", "/v1/php/verify", WRITE, php::verify));
    }
}
