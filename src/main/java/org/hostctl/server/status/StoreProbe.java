package org.hostctl.server.status;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.StoreException;

/**
 * A trivial query on hostd's own database ({@link Database#ping}), on another thread so that waiting for a pooled
 * connection also ends at the timeout. A failure is named by the driver's exception class only: messages may quote
 * the JDBC URL.
 */
public final class StoreProbe implements Probe {
    private final Database db;

    public StoreProbe(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public ProbeResult run(Duration timeout, Duration slow) {
        long start = System.nanoTime();
        try {
            ProbeSupport.call(() -> {
                db.ping(timeout);
                return null;
            }, start + timeout.toNanos());
            return ProbeSupport.timed("query", ProbeSupport.millisSince(start), slow);
        } catch (SocketTimeoutException e) {
            return ProbeSupport.down(ProbeSupport.noAnswer(timeout), start);
        } catch (IOException e) {
            return ProbeSupport.down("query failed: " + name(e.getCause() == null ? e : e.getCause()), start);
        } catch (RuntimeException e) {
            return ProbeSupport.down("query failed: " + name(e), start);
        }
    }

    /** The driver's exception class behind our own wrapper. */
    private static String name(Throwable e) {
        Throwable shown = e instanceof StoreException && e.getCause() != null ? e.getCause() : e;
        return shown.getClass().getSimpleName();
    }
}
