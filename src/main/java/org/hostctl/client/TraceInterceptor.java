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
        StringBuilder b = new StringBuilder("> " + req.method() + " " + req.url() + "\n");
        for (String name : req.headers().names()) {
            String value = name.equalsIgnoreCase("Authorization") ? redact(req.header(name)) : req.header(name);
            b.append("> ").append(name).append(": ").append(value).append('\n');
        }
        print(b);
        try {
            Response resp = chain.proceed(req);
            long ms = (System.nanoTime() - start) / 1_000_000;
            b = new StringBuilder("< " + resp.code() + " " + resp.message() + " (" + ms + " ms) " + req.method() + " "
                    + req.url().encodedPath() + "\n");
            for (String name : resp.headers().names()) {
                b.append("< ").append(name).append(": ").append(resp.header(name)).append('\n');
            }
            print(b);
            return resp;
        } catch (IOException e) {
            print(new StringBuilder("! " + e.getClass().getSimpleName() + ": " + e.getMessage() + "\n"));
            throw e;
        }
    }

    /** One block at a time, so that the traces of concurrent requests do not interleave line by line. */
    private void print(CharSequence block) {
        synchronized (out) {
            out.print(block);
            out.flush();
        }
    }

    private static String redact(String value) {
        int space = value == null ? -1 : value.indexOf(' ');
        return space < 0 ? "<redacted>" : value.substring(0, space) + " <redacted>";
    }
}
