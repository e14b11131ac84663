package org.hostctl.server.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.hostctl.server.store.StatusRepository;
import org.hostctl.server.text.Escape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every check at an interval, all checks of a round in parallel, and keeps each one's state. A state change
 * is recorded with its time (the history customers see); the current states survive a restart of hostd.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** A probe failing faster than this is tried once more before the check counts as down. */
    private static final Duration RETRY_BELOW = Duration.ofSeconds(1);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /** Probes running at once; a round with more checks queues the rest. */
    static final int PROBE_THREADS = 16;

    private final StatusRepository store;
    private final String node;
    private final Supplier<List<Check>> checks;
    private final Duration interval;
    private final Duration timeout;
    private final Duration slow;
    private final Clock clock;
    private final Instant started;
    private final Map<String, CheckState> states = new ConcurrentHashMap<>();
    private final Map<String, Check> known = new ConcurrentHashMap<>();
    private final Map<String, Long> lastProbe = new ConcurrentHashMap<>();
    private static final Duration RECHECK_EVERY = Duration.ofSeconds(1);
    private ScheduledExecutorService scheduler;
    private ExecutorService probes;
    /** Set by {@link #close()}: a round still running ends without probing, recording or logging. */
    private volatile boolean closed;

    /**
     * @param node the name this hostd records under ({@code status.node}); its own last states are loaded
     * @param checks the checks of a round, asked anew each round (document roots come and go)
     */
    public HealthMonitor(StatusRepository store, String node, Supplier<List<Check>> checks, Duration interval,
            Duration timeout, Duration slow, Clock clock) {
        this.store = store;
        this.node = node;
        this.checks = checks;
        this.interval = interval;
        this.timeout = timeout;
        this.slow = slow;
        this.clock = clock;
        this.started = clock.instant();
        try {
            for (StatusRepository.CheckRow r : store.checks()) {
                if (!r.node().equals(node)) {
                    continue;
                }
                states.put(r.id(), new CheckState(r.id(), State.of(r.state()), r.since(), r.detail(), r.checkedAt()));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read the last service states: {}", Escape.line(e.toString()));
        }
    }

    /** The name this hostd records its observations under. */
    public String node() {
        return node;
    }

    public Duration interval() {
        return interval;
    }

    /** Probes now and then every interval, on threads of its own. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        probes = Executors.newFixedThreadPool(PROBE_THREADS, r -> daemon(r, "hostd-probe-" + n.incrementAndGet()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hostd-health"));
        scheduler.scheduleWithFixedDelay(this::safeRound, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void safeRound() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            if (closed) {
                LOG.debug("health round ended by the stop: {}", Escape.line(e.toString()));
                return;
            }
            LOG.error("health round failed: {}", Escape.line(e.toString()));
        }
    }

    /** One round: probes every check (in parallel when started) and records what changed. */
    public void runOnce() {
        List<Check> round = checks.get();
        if (closed) {
            return;
        }
        Map<Check, Future<ProbeResult>> running = new LinkedHashMap<>();
        Map<Check, java.util.concurrent.atomic.AtomicLong> started = new LinkedHashMap<>();
        ExecutorService pool = probes;
        for (Check c : round) {
            known.put(c.id(), c);
            if (pool != null) {
                java.util.concurrent.atomic.AtomicLong start = new java.util.concurrent.atomic.AtomicLong();
                started.put(c, start);
                try {
                    running.put(c, pool.submit(() -> {
                        start.set(System.nanoTime());
                        return probe(c);
                    }));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    if (closed) {
                        return;
                    }
                    throw e;
                }
            }
        }
        // Each probe bounds itself; this bounds one that does not, counted from when it started, not from when
        // it was queued (a round with more checks than probe threads waits for a free thread).
        long limit = timeout.multipliedBy(2).plus(RETRY_PAUSE).plusSeconds(1).toNanos();
        for (Check c : round) {
            ProbeResult r = null;
            if (pool == null) {
                r = probe(c);
            } else {
                Future<ProbeResult> f = running.get(c);
                java.util.concurrent.atomic.AtomicLong start = started.get(c);
                while (r == null) {
                    long s = start.get();
                    long left = s == 0 ? limit : s + limit - System.nanoTime();
                    try {
                        r = f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        if (start.get() != 0 && System.nanoTime() - start.get() >= limit) {
                            f.cancel(true);
                            r = new ProbeResult(State.DOWN, "no answer within " + timeout.toSeconds() + " s",
                                    timeout.toMillis());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (java.util.concurrent.ExecutionException e) {
                        r = new ProbeResult(State.DOWN, "probe failed: " + e.getCause().getClass().getSimpleName(),
                                0);
                    } catch (java.util.concurrent.CancellationException e) {
                        return;
                    }
                }
            }
            apply(c, r);
        }
        known.keySet().retainAll(round.stream().map(Check::id).toList());
    }

    private ProbeResult probe(Check c) {
        ProbeResult r = c.probe().run(timeout, slow);
        if (r.state() == State.DOWN && r.millis() < RETRY_BELOW.toMillis()) {
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r;
            }
            r = c.probe().run(timeout, slow);
        }
        return r;
    }

    /**
     * Probes a check now, unless it was probed less than a second ago, and returns its state: a request about to
     * be refused because a backend is down asks first whether it is back.
     */
    public CheckState recheck(String id) {
        Check c = known.get(id);
        if (c == null) {
            return state(id);
        }
        long now = System.nanoTime();
        // One request probes; others arriving meanwhile, or within the second after, take the state as it is.
        long claimed = lastProbe.compute(id, (k, last) -> last == null || now - last >= RECHECK_EVERY.toNanos()
                ? now : last);
        if (claimed == now) {
            apply(c, probe(c));
        }
        return state(id);
    }

    private synchronized void apply(Check c, ProbeResult r) {
        if (closed) {
            return;
        }
        lastProbe.put(c.id(), System.nanoTime());
        Instant now = clock.instant();
        CheckState before = states.get(c.id());
        boolean changed = before == null || before.state() != r.state();
        CheckState after = new CheckState(c.id(), r.state(), changed ? now : before.since(), r.detail(), now);
        states.put(c.id(), after);
        if (changed) {
            String was = before == null ? "new" : before.state().wire();
            if (r.state() == State.OK) {
                LOG.info("{} {} -> ok: {}", c.id(), was, Escape.line(r.detail()));
            } else {
                LOG.warn("{} {} -> {}: {}", c.id(), was, r.state().wire(), Escape.line(r.detail()));
            }
        }
        try {
            store.record(new StatusRepository.CheckRow(node, c.id(), r.state().wire(), after.since(), r.detail(), now),
                    changed);
        } catch (RuntimeException e) {
            LOG.warn("cannot record the state of {}: {}", c.id(), Escape.line(e.toString()));
        }
    }

    /** The state of a check; {@link State#UNKNOWN} since hostd started when it has not been probed. */
    public CheckState state(String id) {
        CheckState s = states.get(id);
        return s != null ? s : new CheckState(id, State.UNKNOWN, started, "not probed yet", null);
    }

    /** The check of an id as last run, if it is one of the current round's. */
    public Optional<Check> check(String id) {
        return Optional.ofNullable(known.get(id));
    }

    /** Every current check's state, by id. */
    public List<CheckState> states() {
        List<CheckState> out = new ArrayList<>();
        for (String id : new java.util.TreeSet<>(known.keySet())) {
            out.add(state(id));
        }
        return out;
    }

    /**
     * Stops probing: the running round, if any, is interrupted and awaited (at most 5 s) before the probe threads
     * are stopped, so that it never hands a probe to a stopped pool; nothing is recorded or logged after.
     */
    @Override
    public void close() {
        ScheduledExecutorService s;
        ExecutorService p;
        synchronized (this) {
            closed = true;
            s = scheduler;
            p = probes;
            scheduler = null;
        }
        if (s == null) {
            return;
        }
        s.shutdownNow();
        try {
            s.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.shutdownNow();
    }
}
