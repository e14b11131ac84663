package org.hostctl.server.maillog;

import java.util.Optional;
import java.util.function.Function;

/** The Postfix log correlator {@code hostd serve} uses. */
public final class Correlators {
    private Correlators() {}

    /**
     * The built-in correlator, given the sink it reports to; empty while hostd has none, and then mail logs are
     * not read.
     */
    public static Optional<Function<MailLogSink, LogCorrelator>> builtIn() {
        return Optional.of(sink -> new PostfixCorrelator(sink,
                new LineParser(java.time.ZoneId.systemDefault(), java.time.Clock.systemUTC())));
    }
}
