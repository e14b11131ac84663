package org.hostctl.server.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hostctl.server.web.SiteGet;

/**
 * One {@code GET} of a URL: any answer below 500 (redirects and client errors included; redirects are not
 * followed) means the server works; 5xx means it is {@link State#DEGRADED}; no answer means {@link State#DOWN}, and so
 * does a page that is PHP source (a handler the web server does not define: the site publishes its code). The whole
 * exchange ends within the timeout; of the body at most {@value #MAX_BODY} bytes are read.
 */
public final class HttpProbe implements Probe {
    /** Body bytes read at most before the exchange is cancelled. */
    static final int MAX_BODY = 4096;

    private final URI url;
    private final HttpClient client;
    private final String connectHost;

    /** @throws IllegalArgumentException unless {@code url} is an absolute http or https URL with a host */
    public HttpProbe(URI url) {
        this(url, null);
    }

    /**
     * Like {@link #HttpProbe(URI)}, connecting to {@code connectHost} (at the URL's port) for a plain-http URL, with
     * the URL's host in the Host header ({@code web.connectHost}); null: the URL's host.
     */
    public HttpProbe(URI url, String connectHost) {
        this.connectHost = connectHost;
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("only http and https URLs with a host can be probed: " + url);
        }
        this.url = url;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public ProbeResult run(Duration timeout, Duration slow) {
        if (SiteGet.applies(url, connectHost)) {
            return throughConnectHost(timeout, slow);
        }
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .GET()
                    .timeout(timeout)
                    .header("User-Agent", "hostd-probe")
                    .build();
            answer = client.sendAsync(request, info -> new Head());
            HttpResponse<String> response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return judge(response.statusCode(), response.body(), ProbeSupport.millisSince(start), slow);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return ProbeSupport.down(ProbeSupport.noAnswer(timeout), start);
        } catch (ExecutionException e) {
            return ProbeSupport.down(ProbeSupport.network(e.getCause(), timeout), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (answer != null) {
                answer.cancel(true);
            }
            return ProbeSupport.down("interrupted", start);
        } catch (RuntimeException e) {
            return ProbeSupport.down("probe failed: " + e.getClass().getSimpleName(), start);
        }
    }

    private ProbeResult judge(int status, String body, long millis, Duration slow) {
        if (status >= 500) {
            return ProbeSupport.result(State.DEGRADED, "HTTP " + status + " in " + millis + " ms", millis);
        }
        if (status < 300 && body.contains("<?php")) {
            String where = url.toString().length() <= 120 ? url.toString() : url.toString().substring(0, 117) + "...";
            return ProbeSupport.result(State.DOWN, "PHP source served at " + where
                    + ": handler not defined in the web server", millis);
        }
        return ProbeSupport.timed("HTTP " + status, millis, slow);
    }

    private ProbeResult throughConnectHost(Duration timeout, Duration slow) {
        long start = System.nanoTime();
        try {
            SiteGet.Answer answer = SiteGet.get(url, connectHost, timeout, MAX_BODY, "hostd-probe");
            return judge(answer.status(), answer.body(), ProbeSupport.millisSince(start), slow);
        } catch (java.net.SocketTimeoutException e) {
            return ProbeSupport.down(ProbeSupport.noAnswer(timeout), start);
        } catch (java.io.IOException e) {
            return ProbeSupport.down(ProbeSupport.network(e, timeout), start);
        }
    }

    /** Reads up to {@value #MAX_BODY} bytes of the body, then cancels the rest. */
    private static final class Head implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                byte[] bytes = new byte[Math.min(b.remaining(), MAX_BODY - head.size())];
                b.get(bytes);
                head.write(bytes, 0, bytes.length);
            }
            if (head.size() >= MAX_BODY) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            onComplete(); // what came counts
        }

        @Override
        public void onComplete() {
            body.complete(head.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }
}
