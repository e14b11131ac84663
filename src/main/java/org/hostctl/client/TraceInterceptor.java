package org.hostctl.client;

import java.io.IOException;
import java.io.PrintWriter;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/** Writes one line per request and response to the {@code --verbose} trace; never a secret or a body. */
final class TraceInterceptor implements Interceptor {
    private final PrintWriter out;

    TraceInterceptor(PrintWriter out) {
        this.out = out;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request req = chain.request();
        long start = System.nanoTime();
        out.println("> " + req.method() + " " + req.url());
        for (String name : req.headers().names()) {
            String value = name.equalsIgnoreCase("Authorization") ? redact(req.header(name)) : req.header(name);
            out.println("> " + name + ": " + value);
        }
        out.flush();
        try {
            Response resp = chain.proceed(req);
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.println("< " + resp.code() + " " + resp.message() + " (" + ms + " ms)");
            for (String name : resp.headers().names()) {
                out.println("< " + name + ": " + resp.header(name));
            }
            out.flush();
            return resp;
        } catch (IOException e) {
            out.println("! " + e.getClass().getSimpleName() + ": " + e.getMessage());
            out.flush();
            throw e;
        }
    }

    private static String redact(String value) {
        int space = value == null ? -1 : value.indexOf(' ');
        return space < 0 ? "<redacted>" : value.substring(0, space) + " <redacted>";
    }
}
