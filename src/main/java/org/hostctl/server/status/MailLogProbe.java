package org.hostctl.server.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.hostctl.server.maillog.MailLogIngestor;

/**
 * Health of the send-log follower ({@link MailLogIngestor#backlog()}): {@link State#DOWN} when it has not
 * completed a poll for max(3 × poll interval, lag threshold), {@link State#DEGRADED} when unread bytes have been
 * waiting longer than the lag threshold, else {@link State#OK}. Reads no file itself; timeout and slowness do not
 * apply.
 */
public final class MailLogProbe implements Probe {
    private final Supplier<MailLogIngestor.Backlog> backlog;
    private final Duration lagThreshold;
    private final Duration stopped;
    private final Clock clock;
    private final Instant created;

    /**
     * @param backlog usually {@code ingestor::backlog}
     * @param pollInterval how often the follower polls
     * @param lagThreshold how long unread bytes may wait
     */
    public MailLogProbe(Supplier<MailLogIngestor.Backlog> backlog, Duration pollInterval, Duration lagThreshold,
            Clock clock) {
        this.backlog = Objects.requireNonNull(backlog, "backlog");
        this.lagThreshold = Objects.requireNonNull(lagThreshold, "lagThreshold");
        this.clock = Objects.requireNonNull(clock, "clock");
        Duration threePolls = pollInterval.multipliedBy(3);
        this.stopped = threePolls.compareTo(lagThreshold) > 0 ? threePolls : lagThreshold;
        this.created = clock.instant();
    }

    @Override
    public ProbeResult run(Duration timeout, Duration slow) {
        long start = System.nanoTime();
        try {
            MailLogIngestor.Backlog b = backlog.get();
            long millis = ProbeSupport.millisSince(start);
            Instant now = clock.instant();
            if (b.lastPoll() == null) {
                // just started: the first poll is due at once, so only its absence for long is an outage
                return Duration.between(created, now).compareTo(stopped) > 0
                        ? ProbeSupport.result(State.DOWN, "the log follower has not read the log yet", millis)
                        : ProbeSupport.result(State.OK, "starting", millis);
            }
            Duration sincePoll = Duration.between(b.lastPoll(), now);
            if (sincePoll.compareTo(stopped) > 0) {
                return ProbeSupport.result(State.DOWN,
                        "the log follower stopped " + sincePoll.toSeconds() + " s ago", millis);
            }
            if (b.unreadBytes() == 0 || b.unreadSince() == null) {
                return ProbeSupport.result(State.OK, "up to date", millis);
            }
            Duration waiting = Duration.between(b.unreadSince(), now);
            if (waiting.compareTo(lagThreshold) > 0) {
                return ProbeSupport.result(State.DEGRADED, b.unreadBytes() + " bytes of the Postfix log unread for "
                        + waiting.toSeconds() + " s", millis);
            }
            return ProbeSupport.result(State.OK, b.unreadBytes() + " bytes behind, reading", millis);
        } catch (RuntimeException e) {
            return ProbeSupport.down("cannot ask the log follower: " + e.getClass().getSimpleName(), start);
        }
    }
}
