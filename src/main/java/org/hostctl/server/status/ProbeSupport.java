package org.hostctl.server.status;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.hostctl.server.text.Escape;

/** What the probes share: deadlines, the wording of details, and a thread for calls that take no timeout. */
final class ProbeSupport {
    /** Longest detail, as {@link ProbeResult} promises. */
    static final int MAX_DETAIL = 200;
    /** Characters of a server's answer quoted in a detail. */
    static final int QUOTE = 80;
    /** Runs blocking calls that cannot be bounded otherwise (name lookups, pooled JDBC); daemon threads. */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostd-probe-call");
        t.setDaemon(true);
        return t;
    });

    private ProbeSupport() {}

    /** A result whose detail is made one printable line of at most {@value #MAX_DETAIL} characters. */
    static ProbeResult result(State state, String detail, long millis) {
        return new ProbeResult(state, Escape.printable(detail, MAX_DETAIL), millis);
    }

    /** {@link State#OK}, or {@link State#DEGRADED} when slower than {@code slow}: {@code what in 12 ms}. */
    static ProbeResult timed(String what, long millis, Duration slow) {
        boolean isSlow = millis > slow.toMillis();
        return result(isSlow ? State.DEGRADED : State.OK, what + " in " + millis + " ms" + (isSlow ? " (slow)" : ""),
                millis);
    }

    static ProbeResult down(String detail, long startNanos) {
        return result(State.DOWN, detail, millisSince(startNanos));
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Milliseconds left until {@code deadlineNanos}, at least 1; throws when none are left. */
    static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    /** {@code 5 s} for whole seconds, else {@code 1500 ms}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** {@code no answer within 5 s}. */
    static String noAnswer(Duration timeout) {
        return "no answer within " + duration(timeout);
    }

    /** The address of {@code host}, looked up on another thread so that a hanging resolver obeys the deadline. */
    static InetAddress resolve(String host, long deadlineNanos) throws IOException {
        return call(() -> InetAddress.getByName(host), deadlineNanos);
    }

    /**
     * Runs {@code work} on a daemon thread and waits for it until {@code deadlineNanos}.
     *
     * @throws SocketTimeoutException when the deadline passed first (the work is interrupted)
     * @throws IOException what {@code work} threw, if an {@link IOException}, else wrapping it
     */
    static <T> T call(Callable<T> work, long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        Future<T> f = CALLS.submit(work);
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SocketTimeoutException("deadline passed");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
    }

    /** A short reason for a failed connection: {@code connection refused}, {@code unknown host}, ... */
    static String network(Throwable error, Duration timeout) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException
                    || e instanceof TimeoutException) {
                return noAnswer(timeout);
            }
            if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (e instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (e instanceof SSLException) {
                return "TLS failed: " + message(e);
            }
        }
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException) {
                String m = message(e);
                return m.isEmpty() || m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : "cannot connect: " + m;
            }
        }
        String m = message(error);
        return "connection failed: " + (m.isEmpty() ? error.getClass().getSimpleName() : m);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? "" : Escape.printable(m, QUOTE);
    }
}
