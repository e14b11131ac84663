package org.hostctl.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes a connection whose client started a request but has not finished its request line and headers within
 * the timeout (a slow-loris client trickling a byte now and then resets the idle timeout forever). Jetty has no
 * such limit of its own; this looks at every open HTTP/1 connection once a second, so a connection is closed
 * between the timeout and one second after it. A connection waiting for its next request (nothing sent yet) is
 * left to the idle timeout.
 */
final class HeaderTimeout extends AbstractLifeCycle implements Connection.Listener {
    private final long timeoutNanos;
    private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    /** Requests a connection had received, and since when it has been seen in the same request's head. */
    private static final class Watch {
        long messages = -1;
        long since;
    }

    HeaderTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostd-header-timeout");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        open.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, new Watch());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<HttpConnection, Watch> e : open.entrySet()) {
            HttpConnection c = e.getKey();
            Watch w = e.getValue();
            HttpParser parser = c.getParser();
            long messages = c.getMessagesIn();
            boolean inHead = parser.inHeaderState() && !parser.isStart();
            if (!inHead || messages != w.messages) {
                w.messages = inHead ? messages : -1;
                w.since = now;
            } else if (now - w.since >= timeoutNanos) {
                open.remove(c);
                c.getEndPoint().close();
            }
        }
    }
}
