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

/**
 * One {@code GET} of a URL: any answer below 500 (redirects and client errors included; redirects are not
 * followed) means the server works; 5xx means it is {@link State#DEGRADED}; no answer means {@link State#DOWN}. The
 * whole exchange up to the status line ends within the timeout; of the body at most {@value #MAX_BODY} bytes are
 * read, in the background, and dropped.
 */
public final class HttpProbe implements Probe {
    /** Body bytes read at most before the exchange is cancelled. */
    static final int MAX_BODY = 4096;

    private final URI url;
    private final HttpClient client;

    /** @throws IllegalArgumentException unless {@code url} is an absolute http or https URL with a host */
    public HttpProbe(URI url) {
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
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> answer = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .GET()
                    .timeout(timeout)
                    .header("User-Agent", "hostd-probe")
                    .build();
            answer = client.sendAsync(request, info -> new Discard());
            HttpResponse<Void> response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long millis = ProbeSupport.millisSince(start);
            int status = response.statusCode();
            if (status >= 500) {
                return ProbeSupport.result(State.DEGRADED, "HTTP " + status + " in " + millis + " ms", millis);
            }
            return ProbeSupport.timed("HTTP " + status, millis, slow);
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

    /** Completes at once (the status is all that counts), reads up to {@value #MAX_BODY} bytes, then cancels. */
    private static final class Discard implements HttpResponse.BodySubscriber<Void> {
        private Flow.Subscription subscription;
        private long read;

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                read += b.remaining();
            }
            if (read >= MAX_BODY) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the body does not count
        }

        @Override
        public void onComplete() {
            // nothing to do
        }
    }
}
