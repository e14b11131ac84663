package org.hostctl.server.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.hostctl.api.Json;
import org.hostctl.api.Problem;

/**
 * Refuses every request that carries a method-override header, before Javalin sees it. Javalin's
 * {@code Context.method()} takes the method from {@code X-HTTP-Method-Override} when that header is present and
 * routes by it, so a GET with {@code X-HTTP-Method-Override: DELETE} would run the DELETE handler; a proxy that lets
 * only GET through must mean read-only. hostd answers such a request 400 {@code method-override} and runs nothing.
 * The other spellings some frameworks honour are refused too, so that no later version or plug-in can start
 * honouring them unnoticed. {@code _method} query or form parameters are not special to hostd (nothing reads them).
 */
final class MethodOverrideFilter implements Filter {
    /** Headers that some server or framework takes as the request's method. */
    static final List<String> HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        for (String name : HEADERS) {
            if (req.getHeader(name) != null) {
                refuse(req, (HttpServletResponse) response, name);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse res, String header) throws IOException {
        Problem p = new Problem(Problem.TYPE_PREFIX + "method-override", "Bad request", 400,
                "hostd does not honour " + header + "; send the request with the method itself", req.getRequestURI(),
                null);
        res.setStatus(400);
        res.setContentType(Problem.MEDIA_TYPE);
        res.getOutputStream().write(Json.mapper().writeValueAsBytes(p));
    }
}
