package org.hostctl.server.maillog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hostctl.server.maillog.MailLogIngestor.Backlog;

/**
 * How far the reader of the followed files is behind, for {@link MailLogIngestor#backlog()}. The poll publishes
 * where it stands; sizes are taken from the paths ({@code stat} only), never from the reader's open files, and
 * under this object's own lock, so asking never waits for a poll.
 *
 * <p>{@code unreadSince} is the first moment at which bytes were seen that the reader has not reached yet: when a
 * poll or a question finds unread bytes, the file ends seen then are remembered with the time; once the reader has
 * passed all of them the mark is dropped, and set anew if bytes are unread still. A reader that keeps up with a busy
 * log therefore shows at most about one poll of lag, one that is stuck shows the whole time.
 */
final class BacklogTracker {
    /** Where the reader stands in one followed path: the file it reads there (null: none) and the offset stored. */
    record Position(Path path, String identity, long offset) {}

    private final Clock clock;
    private List<Position> positions = List.of();
    private Instant lastPoll;
    private Instant unreadSince;
    /** What the paths held at {@link #unreadSince}, one per position; null when nothing is unread. */
    private List<Seen> mark;

    BacklogTracker(Clock clock) {
        this.clock = clock;
    }

    /** A poll completed with the reader at {@code now}. */
    synchronized void polled(List<Position> now) {
        positions = List.copyOf(now);
        lastPoll = clock.instant();
        observe();
    }

    synchronized Backlog backlog() {
        long unread = observe();
        return new Backlog(unread, lastPoll, unreadSince);
    }

    /** Measures the files, moves the mark, and returns the unread bytes. */
    private long observe() {
        List<Seen> seen = new ArrayList<>(positions.size());
        long unread = 0;
        boolean passed = mark != null && mark.size() == positions.size();
        for (int i = 0; i < positions.size(); i++) {
            Position p = positions.get(i);
            Seen now = seen(p);
            seen.add(now);
            unread += now.unread(p);
            if (passed && !mark.get(i).passedBy(p)) {
                passed = false;
            }
        }
        if (passed || unread == 0) {
            mark = null;
            unreadSince = null;
        }
        if (unread > 0 && mark == null) {
            mark = List.copyOf(seen);
            unreadSince = clock.instant();
        }
        return unread;
    }

    /** What is at a followed path: the file there ({@code pathIdentity}, null: none) and its size. */
    private static Seen seen(Position p) {
        try {
            String identity = MailLogIngestor.identity(p.path());
            return new Seen(p.identity(), identity, identity == null ? 0 : Files.size(p.path()));
        } catch (IOException e) {
            return new Seen(p.identity(), null, 0);
        }
    }

    /**
     * One look at a followed path.
     *
     * @param readerIdentity the file the reader was in then
     * @param pathIdentity the file at the path then, null when none
     * @param size its size then
     */
    private record Seen(String readerIdentity, String pathIdentity, long size) {
        /**
         * Bytes the reader at {@code p} has still to read of the file at the path: all of it when the path names
         * another file (rotated; read from 0 next), none when it shrank (truncated; read again from 0).
         */
        long unread(Position p) {
            if (pathIdentity == null) {
                return 0;
            }
            return pathIdentity.equals(p.identity()) ? Math.max(0, size - p.offset()) : size;
        }

        /** Whether the reader at {@code p} has read what was there when this was seen. */
        boolean passedBy(Position p) {
            if (pathIdentity == null || size == 0) {
                return true;
            }
            if (pathIdentity.equals(p.identity())) {
                return p.offset() >= size;
            }
            // the reader is elsewhere: past it if it left the file it was in then (rotation followed)
            return !Objects.equals(p.identity(), readerIdentity);
        }
    }
}
