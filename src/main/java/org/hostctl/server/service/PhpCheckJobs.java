package org.hostctl.server.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.hostctl.api.PhpCheckJob;
import org.hostctl.api.PhpCheckReport;

/**
 * Checks of PHP files that run in the background so a client can show progress; each job belongs to the account
 * that started it and is forgotten some minutes after it ended. At most {@link #MAX_RUNNING} checks run at once
 * (each uses one PHP process per core), the others wait their turn; an account may have
 * {@link #MAX_OPEN_PER_ACCOUNT} unfinished checks, the node {@link #MAX_OPEN} - beyond that a check is refused.
 */
final class PhpCheckJobs {
    static final int MAX_RUNNING = 2;
    static final int MAX_OPEN_PER_ACCOUNT = 4;
    static final int MAX_OPEN = 64;
    private static final int MAX_KEPT = 2000;
    private static final Duration KEEP = Duration.ofMinutes(15);
    private static final Duration REUSE = Duration.ofMinutes(5);

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(MAX_RUNNING, r -> {
        Thread t = new Thread(r, "php-check-job");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger open = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    PhpCheckJobs(Clock clock) {
        this.clock = clock;
    }

    private static final class Job {
        final String id;
        final String account;
        /** What was checked: branch, paths and recursion, for {@link #reuse}. */
        final String scope;
        final int files;
        final AtomicInteger done = new AtomicInteger();
        volatile PhpCheckReport report;
        volatile String error;
        volatile Instant ended;

        Job(String id, String account, String scope, int files) {
            this.id = id;
            this.account = account;
            this.scope = scope;
            this.files = files;
        }

        PhpCheckJob view() {
            String state = report != null ? PhpCheckJob.DONE : error != null ? PhpCheckJob.FAILED
                    : PhpCheckJob.RUNNING;
            return new PhpCheckJob(id, state, files, done.get(), report, error);
        }
    }

    /** Starts {@code work}, which reports finished files to the consumer it is given. */
    PhpCheckJob start(String account, String scope, int files,
            Function<java.util.function.IntConsumer, PhpCheckReport> work) {
        expire();
        long mine = jobs.values().stream().filter(j -> j.account.equals(account) && j.ended == null).count();
        if (mine >= MAX_OPEN_PER_ACCOUNT) {
            throw new ServiceException(ServiceException.Kind.POLICY, "too-many-checks",
                    "this account has " + mine + " checks running; wait for them to finish");
        }
        if (open.incrementAndGet() > MAX_OPEN) {
            open.decrementAndGet();
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "checks-busy",
                    "hostd has " + MAX_OPEN + " checks waiting already; try again shortly");
        }
        Job job = new Job(HexFormat.of().formatHex(bytes()), account, scope, files);
        jobs.put(job.id, job);
        Runnable run = () -> {
            try {
                job.report = work.apply(n -> job.done.set(n));
                job.done.set(job.files);
            } catch (ServiceException e) {
                job.error = e.getMessage();
            } catch (RuntimeException e) {
                job.error = "the check failed: " + e.getMessage();
            } finally {
                job.ended = clock.instant();
                open.decrementAndGet();
            }
        };
        if (files == 0) {
            run.run(); // nothing to read: done at once, no PHP process
            return job.view();
        }
        try {
            pool.execute(run);
        } catch (RejectedExecutionException e) {
            open.decrementAndGet();
            jobs.remove(job.id);
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "checks-busy", "hostd is shutting down");
        }
        return job.view();
    }

    /** The job, if it exists and belongs to {@code account}. */
    PhpCheckJob get(String account, String id) {
        Job j = id == null ? null : jobs.get(id);
        if (j == null || !j.account.equals(account)) {
            throw ServiceException.notFound("no PHP check " + PhpService.printable(String.valueOf(id)));
        }
        return j.view();
    }

    /**
     * The report of a finished check of the same account and scope that ended at most {@link #REUSE} ago, so that
     * a switch right after a check (with its progress bar) need not read every file again.
     */
    java.util.Optional<PhpCheckReport> reuse(String account, String id, String scope) {
        Job j = id == null ? null : jobs.get(id);
        if (j == null || !j.account.equals(account) || !j.scope.equals(scope) || j.report == null
                || j.ended == null || j.ended.isBefore(clock.instant().minus(REUSE))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(j.report);
    }

    private void expire() {
        Instant limit = clock.instant().minus(KEEP);
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext();) {
            Job j = it.next();
            if (j.ended != null && j.ended.isBefore(limit)) {
                it.remove();
            }
        }
        if (jobs.size() > MAX_KEPT) {
            // many short checks (a script switching many directories): forget the oldest finished ones first
            jobs.values().stream().filter(j -> j.ended != null).sorted(java.util.Comparator.comparing(j -> j.ended))
                    .limit(jobs.size() - MAX_KEPT).map(j -> j.id).toList().forEach(jobs::remove);
        }
    }

    private byte[] bytes() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return b;
    }
}
