package org.hostctl.server.maillog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hostctl.server.store.MailLogRepository;
import org.hostctl.server.store.MailLogRepository.Batch;
import org.hostctl.server.store.MailLogRepository.Checkpoint;
import org.hostctl.server.store.MailLogRepository.Unparsed;
import org.hostctl.server.text.Escape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Postfix log files and feeds their complete lines, in file order, to a {@link LogCorrelator}.
 *
 * <p>Exactly once across restarts: what the correlator tells its sink during a batch is buffered and written
 * in <em>one</em> transaction together with the checkpoint (file identity {@code device:inode} and the byte offset
 * after the batch's last line). A crash before the commit loses the batch and its checkpoint together, so the
 * lines are read again; after it, neither is read again. A commit that fails is retried before anything more is
 * read.
 *
 * <p>Rotation: a file renamed away (its path now names another inode, or nothing) is read to its end through
 * the open handle, and given up once it has been quiet for two polls; the new file is read from 0. At start,
 * the rest of a file rotated while hostd was stopped is found by its identity next to the path ({@code
 * maillog.1}, {@code maillog.20261128-120000}, ...; compressed ones cannot be matched). A file shorter than its
 * checkpoint was truncated and is read again from 0. Lines no rule understands, and lines that make the
 * correlator fail, are kept as unparsed lines; nothing in a log stops ingestion.
 *
 * <p>Messages across a restart: before reading, the correlator is given back the stored messages that have no
 * {@code removed} yet and arrived within {@link #SEED_WINDOW} (the newest {@link #SEED_LIMIT}), so that their
 * later lines update the same record. What the correlator holds back without telling (a hop candidate for up to
 * {@link PostfixCorrelator#HOP_WINDOW} of log time, SMTP rejects until their session ends) is told by
 * {@link #close}; after a crash (no close) it is lost although its lines lie before the checkpoint, and the later
 * lines of such a message make a record that lacks what came before. The same holds, even across a clean stop,
 * for a start line ({@code client=}, {@code uid=}) whose message was not shown yet (no cleanup or qmgr line).
 * Keeping the checkpoint before such lines instead would read the lines after them twice, applying attempts of
 * other, already stored messages again; the loss is the smaller evil and bounded to seconds of log.
 */
public final class MailLogIngestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailLogIngestor.class);
    /** Bytes read per chunk; a line longer than this is kept cut as an unparsed line. */
    static final int CHUNK = 1 << 20;
    /**
     * Lines per transaction by default. A chunk ({@link #CHUNK}, about 8,000 lines) is the other bound; fewer,
     * larger commits write each touched index page once per batch instead of once per few thousand lines.
     */
    public static final int DEFAULT_BATCH_LINES = 20_000;
    /** Polls without growth after which a rotated file is closed. */
    static final int QUIET_POLLS = 2;
    /** How often partial records without new lines are expired. */
    private static final Duration EXPIRE_EVERY = Duration.ofMinutes(1);
    /** Age of partial records that are expired (orphans, ../shared/reference/postfix-logs.md §5 rule 2). */
    private static final Duration ORPHAN_AGE = Duration.ofHours(1);
    /** Messages without {@code removed} that arrived this long before the start are given back to the correlator. */
    static final Duration SEED_WINDOW = PostfixCorrelator.TOLD_RETENTION;
    /** At most this many of them, the newest. */
    static final int SEED_LIMIT = 50_000;

    private final List<Tail> tails = new ArrayList<>();
    /** Names this reader's files in the store among several hostd sharing it; null: the paths alone. */
    private final String node;
    private final MailLogRepository store;
    private final Buffer buffer = new Buffer();
    private final LogCorrelator correlator;
    private final Clock clock;
    private final int batchLines;
    private final BacklogTracker backlog;
    private ScheduledExecutorService thread;
    private Instant lastExpiry = Instant.EPOCH;
    private Pending pending;
    private boolean seeded;
    private long linesRead;
    private long unparsedLines;
    private long correlatorFailures;

    /**
     * @param files the log files to follow
     * @param correlators makes the correlator, given the sink it must report to
     * @param store where records and checkpoints go
     * @param batchLines lines per transaction at most
     */
    public MailLogIngestor(List<Path> files, Function<MailLogSink, LogCorrelator> correlators,
            MailLogRepository store, Clock clock, int batchLines) {
        this(files, correlators, store, clock, batchLines, null, null);
    }

    /**
     * A reader among several writing into one store.
     *
     * @param node this hostd's name among them: checkpoints and unparsed lines are kept under {@code node:path}
     *     (checkpoints kept under the bare path by an earlier version are taken over); null: under the path
     * @param host the mail host's name on every record instead of the logged one; null: the logged one
     */
    public MailLogIngestor(List<Path> files, Function<MailLogSink, LogCorrelator> correlators,
            MailLogRepository store, Clock clock, int batchLines, String node, String host) {
        this.node = node == null || node.isBlank() ? null : node.strip();
        this.store = store;
        this.clock = clock;
        this.batchLines = batchLines;
        this.correlator = correlators.apply(buffer);
        this.correlator.overrideHost(host);
        this.backlog = new BacklogTracker(clock);
        for (Path f : files) {
            tails.add(new Tail(f));
        }
    }

    public MailLogIngestor(List<Path> files, Function<MailLogSink, LogCorrelator> correlators,
            MailLogRepository store, Clock clock) {
        this(files, correlators, store, clock, DEFAULT_BATCH_LINES);
    }

    /** Follows the files on a daemon thread, one poll every {@code interval}. */
    public synchronized void start(Duration interval) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostd-maillog");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("following mail logs {}", tails.stream().map(t -> t.source).toList());
    }

    private void pollQuietly() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            LOG.warn("mail log ingestion failed, retrying: {}", Escape.line(e.toString()));
        }
    }

    /** Reads what is new in every file and commits it; the daemon thread calls this, tests may too. */
    public synchronized void pollOnce() {
        if (!seeded && !seed()) {
            return;
        }
        if (!retryPending()) {
            return;
        }
        for (Tail t : tails) {
            try {
                if (!t.poll()) {
                    return;
                }
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", Escape.line(t.source),
                        Escape.line(e.toString()));
            }
        }
        Instant now = clock.instant();
        if (Duration.between(lastExpiry, now).compareTo(EXPIRE_EVERY) >= 0) {
            lastExpiry = now;
            try {
                correlator.expireOlderThan(now.minus(ORPHAN_AGE));
            } catch (RuntimeException e) {
                correlatorFailures++;
                LOG.warn("the log correlator failed to expire records: {}",
                        Escape.line(e.toString()));
            }
            commit(List.of(), List.of());
        }
        backlog.polled(tails.stream().map(t -> t.current == null
                ? new BacklogTracker.Position(t.path, null, 0)
                : new BacklogTracker.Position(t.path, t.current.identity, t.current.offset)).toList());
    }

    /**
     * Before the first line: gives the correlator the messages stored earlier that are still queued, so that
     * their lines after a restart (attempts, removal) continue the same records. False when the store cannot be
     * read: nothing is read before it can.
     */
    private boolean seed() {
        List<MessageRecord> open;
        try {
            open = store.openMessages(clock.instant().minus(SEED_WINDOW), SEED_LIMIT);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the open messages of the send log, retrying: {}", Escape.line(e.toString()));
            return false;
        }
        seeded = true;
        try {
            correlator.seed(open);
        } catch (RuntimeException e) {
            correlatorFailures++;
            LOG.warn("the log correlator failed to take the open messages: {}", Escape.line(e.toString()));
        }
        if (!open.isEmpty()) {
            LOG.info("continuing {} queued messages of the send log", open.size());
        }
        return true;
    }

    /**
     * Counters since start.
     *
     * @param linesRead lines fed to the correlator
     * @param unparsedLines lines kept as unparsed (the correlator's and overlong ones)
     * @param correlatorFailures lines on which the correlator threw
     */
    public record Status(long linesRead, long unparsedLines, long correlatorFailures) {}

    public synchronized Status status() {
        return new Status(linesRead, unparsedLines, correlatorFailures);
    }

    /**
     * How far the reader is behind the followed files.
     *
     * @param unreadBytes bytes at the followed paths not read and stored yet, as of now (a file at a path that is
     *     not the one being read, i.e. rotated meanwhile, counts whole; a truncated one counts 0)
     * @param lastPoll when the last poll completed, null before the first; a poll that stopped because the store
     *     failed does not count
     * @param unreadSince since when bytes have been waiting that the reader has not reached yet, null when none
     *     are unread; a reader that keeps up with a busy log shows about one poll interval
     */
    public record Backlog(long unreadBytes, Instant lastPoll, Instant unreadSince) {}

    /**
     * The reader's backlog now; thread-safe and never waits for a running poll (it only looks at the sizes of the
     * followed paths).
     */
    public Backlog backlog() {
        return backlog.backlog();
    }

    /** Stops the thread and closes the files; everything read so far is committed already. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                correlator.flush();
                commit(List.of(), List.of());
            } catch (RuntimeException e) {
                LOG.warn("could not store what the log correlator held at stop: {}", Escape.line(e.toString()));
            }
            for (Tail tail : tails) {
                tail.closeAll();
            }
        }
    }

    // ------------------------------------------------------------------ committing

    /**
     * Commits what the buffer holds with these checkpoints and then runs {@code committed}; when the store
     * fails, keeps all of it as the pending commit, retried before anything more is read, and returns false.
     */
    private boolean commit(List<Checkpoint> checkpoints, List<Checkpoint> finished, Runnable committed) {
        pending = new Pending(List.copyOf(checkpoints), List.copyOf(finished), committed);
        return retryPending();
    }

    private boolean commit(List<Checkpoint> checkpoints, List<Checkpoint> finished) {
        return commit(checkpoints, finished, () -> {});
    }

    private boolean retryPending() {
        if (pending == null) {
            return true;
        }
        Batch b = new Batch(List.copyOf(buffer.messages.values()), List.copyOf(buffer.rejects.values()),
                List.copyOf(buffer.unparsed), pending.checkpoints, pending.finished);
        try {
            store.commit(b);
        } catch (RuntimeException e) {
            LOG.warn("cannot store mail log batch, retrying: {}", Escape.line(e.toString()));
            return false;
        }
        buffer.clear();
        Runnable done = pending.committed;
        pending = null;
        done.run();
        return true;
    }

    /** A batch whose commit failed: the buffer's content with these checkpoints. */
    private record Pending(List<Checkpoint> checkpoints, List<Checkpoint> finished, Runnable committed) {}

    // ------------------------------------------------------------------ files

    /** File identity {@code device:inode}, or null when the path does not exist. */
    static String identity(Path path) throws IOException {
        try {
            Object dev = Files.getAttribute(path, "unix:dev");
            Object ino = Files.getAttribute(path, "unix:ino");
            return dev + ":" + ino;
        } catch (NoSuchFileException e) {
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Object key = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return key == null ? "size-unknown" : key.toString();
        }
    }

    /** One open file: the current one, or a rotated one read to its end. */
    private static final class Open {
        final FileChannel channel;
        final String identity;
        /** Committed: every line before it is stored. */
        long offset;
        /** Fed to the correlator, not yet committed. */
        long readOffset;
        boolean skipping;
        int quietPolls;

        Open(FileChannel channel, String identity, long offset) {
            this.channel = channel;
            this.identity = identity;
            this.offset = offset;
            this.readOffset = offset;
        }
    }

    /** A followed path. */
    private final class Tail {
        final Path path;
        final String source;
        Open current;
        final List<Open> rotated = new ArrayList<>();
        boolean started;
        /** Checkpoints of rotated files read to their end, still to be deleted. */
        final List<Checkpoint> finished = new ArrayList<>();

        Tail(Path path) {
            this.path = path;
            this.source = node == null ? path.toString() : node + ":" + path;
        }

        /** False when a commit failed: stop this poll, the pending commit is retried first next time. */
        boolean poll() throws IOException {
            if (!started) {
                resume();
                started = true;
            }
            String now = identity(path);
            if (current != null && !current.identity.equals(now)) {
                LOG.info("{} was rotated; reading the old file to its end", Escape.line(source));
                rotated.add(current);
                current = null;
            }
            if (current == null && now != null) {
                current = open(path, now, 0);
            }
            if (current != null && current.channel.size() < current.offset) {
                LOG.info("{} was truncated; reading it again from the start", Escape.line(source));
                current.offset = 0;
                current.readOffset = 0;
                current.skipping = false;
                if (!commit(List.of(checkpoint(current)), List.of())) {
                    return false;
                }
            }
            for (Iterator<Open> it = rotated.iterator(); it.hasNext();) {
                Open old = it.next();
                long before = old.offset;
                if (!drain(old, false)) {
                    return false;
                }
                old.quietPolls = old.offset == before ? old.quietPolls + 1 : 0;
                if (old.quietPolls >= QUIET_POLLS) {
                    if (!drain(old, true)) {
                        return false;
                    }
                    finished.add(checkpoint(old));
                    closeQuietly(old.channel);
                    it.remove();
                }
            }
            if (!finished.isEmpty()) {
                if (!commit(List.of(), List.copyOf(finished), finished::clear)) {
                    return false;
                }
            }
            return current == null || drain(current, false);
        }

        /** At start: continue where the checkpoints say, first the rest of files rotated meanwhile. */
        void resume() throws IOException {
            String now = identity(path);
            List<Checkpoint> saved = store.checkpoints(source);
            if (saved.isEmpty() && node != null) {
                // kept under the bare path by a version that knew no nodes: continue from there, under the new name
                List<Checkpoint> legacy = store.checkpoints(path.toString());
                saved = legacy.stream().map(cp -> new Checkpoint(source, cp.fileIdentity(), cp.offset(),
                        cp.updatedAt())).toList();
                if (!legacy.isEmpty()) {
                    commit(saved, legacy); // when it fails, it is retried before anything is read
                }
            }
            for (Checkpoint cp : saved) {
                if (cp.fileIdentity().equals(now)) {
                    continue;
                }
                Path rotatedFile = findByIdentity(cp.fileIdentity());
                if (rotatedFile == null) {
                    LOG.warn("{}: the rotated file {} is gone; lines after byte {} of it were not read",
                            Escape.line(source), cp.fileIdentity(), cp.offset());
                    finished.add(cp);
                } else {
                    rotated.add(open(rotatedFile, cp.fileIdentity(), cp.offset()));
                }
            }
            if (now != null) {
                long offset = saved.stream().filter(c -> c.fileIdentity().equals(now))
                        .mapToLong(Checkpoint::offset).findFirst().orElse(0);
                current = open(path, now, offset);
            }
        }

        Path findByIdentity(String id) throws IOException {
            Path dir = path.toAbsolutePath().getParent();
            String name = path.getFileName().toString();
            if (dir == null || !Files.isDirectory(dir)) {
                return null;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + "?*")) {
                for (Path f : files) {
                    if (Files.isRegularFile(f) && id.equals(identity(f))) {
                        return f;
                    }
                }
            }
            return null;
        }

        /**
         * Feeds the complete lines from {@code f.offset} on and commits them in batches; with {@code toEnd} also
         * a last line without newline. False when a commit failed (the batch stays buffered and is retried).
         */
        boolean drain(Open f, boolean toEnd) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            while (true) {
                chunk.clear();
                int n = f.channel.read(chunk, f.offset);
                if (n <= 0) {
                    return true;
                }
                byte[] bytes = chunk.array();
                int lines = 0;
                int start = 0;
                long base = f.offset;
                for (int i = 0; i < n && lines < batchLines; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    if (f.skipping) {
                        f.skipping = false;
                    } else {
                        feed(f, base + start, bytes, start, i);
                    }
                    lines++;
                    start = i + 1;
                }
                if (start == 0 && n == CHUNK) {
                    // a line longer than a chunk: keep its start as an unparsed line, skip the rest of it
                    if (!f.skipping) {
                        keepUnparsed(f, base, new String(bytes, 0, n, StandardCharsets.UTF_8));
                        f.skipping = true;
                    }
                    start = n;
                } else if (toEnd && start < n && lines < batchLines && n < CHUNK) {
                    if (!f.skipping) {
                        feed(f, base + start, bytes, start, n);
                    }
                    f.skipping = false;
                    start = n;
                }
                if (start == 0) {
                    return true; // only a partial line: wait for the rest of it
                }
                f.readOffset = base + start;
                if (!commit(List.of(checkpoint(f, f.readOffset)), List.of(), () -> f.offset = f.readOffset)) {
                    return false;
                }
            }
        }

        void feed(Open f, long offset, byte[] bytes, int from, int to) {
            int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
            String line = new String(bytes, from, end - from, StandardCharsets.UTF_8);
            linesRead++;
            buffer.fileIdentity = f.identity;
            try {
                correlator.accept(source, offset, line);
            } catch (RuntimeException e) {
                correlatorFailures++;
                LOG.warn("the log correlator failed on {} byte {}: {}", Escape.line(source), offset,
                        Escape.line(e.toString()));
                buffer.unparsed(source, offset, line);
            }
        }

        void keepUnparsed(Open f, long offset, String text) {
            buffer.fileIdentity = f.identity;
            buffer.unparsed(source, offset, text);
        }

        Checkpoint checkpoint(Open f) {
            return checkpoint(f, f.offset);
        }

        Checkpoint checkpoint(Open f, long offset) {
            return new Checkpoint(source, f.identity, offset, clock.instant());
        }

        void closeAll() {
            if (current != null) {
                closeQuietly(current.channel);
                current = null;
            }
            rotated.forEach(o -> closeQuietly(o.channel));
            rotated.clear();
            started = false;
        }
    }

    private static Open open(Path path, String identity, long offset) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        return new Open(ch, identity, offset);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }


    /** Collects what the correlator reports during a batch; the newest state per key wins. */
    private final class Buffer implements MailLogSink {
        final Map<String, MessageRecord> messages = new LinkedHashMap<>();
        final Map<String, RejectRecord> rejects = new LinkedHashMap<>();
        final List<Unparsed> unparsed = new ArrayList<>();
        String fileIdentity = "";

        @Override
        public void message(MessageRecord message) {
            messages.remove(message.key());
            messages.put(message.key(), message);
        }

        @Override
        public void reject(RejectRecord reject) {
            rejects.put(reject.key(), reject);
        }

        @Override
        public void unparsed(String source, long offset, String line) {
            unparsedLines++;
            unparsed.add(new Unparsed(source, fileIdentity, offset, line));
        }

        boolean isEmpty() {
            return messages.isEmpty() && rejects.isEmpty() && unparsed.isEmpty();
        }

        void clear() {
            messages.clear();
            rejects.clear();
            unparsed.clear();
        }
    }
}
