package org.hostctl.cli.cmd.status;

import java.time.Instant;
import java.util.List;
import org.hostctl.api.Outage;
import org.hostctl.api.ServiceState;
import org.hostctl.cli.output.Column;
import org.hostctl.cli.output.Tone;

/** Table and CSV columns of the status commands, declared once. */
final class StatusColumns {
    /** What the DOMAIN column shows in a table for a service of the whole account. */
    static final String ACCOUNT = "(account)";

    private StatusColumns() {}

    /**
     * One row per domain and service.
     *
     * @param human a table (account-wide rows named, times relative when {@code relative}); else CSV
     * @param now the time relative times count from
     */
    static List<Column<ServiceState>> services(boolean human, boolean relative, Instant now) {
        return List.of(
                Column.of("DOMAIN", s -> domain(s.domain(), human)),
                Column.of("SERVICE", ServiceState::service),
                Column.of("BACKEND", ServiceState::backend),
                Column.toned("STATE", ServiceState::state, s -> tone(s.state())),
                Column.of("SINCE", s -> StatusText.when(s.since(), now, relative)),
                Column.of("DETAIL", ServiceState::detail));
    }

    /** One row per outage; END is {@code ongoing} in a table (empty in CSV) while it lasts. */
    static List<Column<Outage>> outages(boolean human, Instant now) {
        return List.of(
                Column.of("DOMAIN", o -> domain(o.domain(), human)),
                Column.of("SERVICE", Outage::service),
                Column.of("BACKEND", Outage::backend),
                Column.toned("STATE", Outage::state, o -> tone(o.state())),
                Column.of("START", o -> StatusText.when(o.start(), now, false)),
                Column.toned("END", o -> o.end() == null ? (human ? "ongoing" : "") : StatusText.when(o.end(), now,
                        false), o -> o.end() == null ? Tone.BAD : null),
                Column.of("DURATION", o -> o.start() == null ? "" : StatusText.duration(o.start(),
                        o.end() == null ? now : o.end())),
                Column.of("DETAIL", Outage::detail));
    }

    /** ok green, degraded yellow, down red, unknown dim. */
    static Tone tone(String state) {
        if (state == null) {
            return Tone.FAINT;
        }
        return switch (state) {
            case StatusText.OK -> Tone.GOOD;
            case StatusText.DEGRADED -> Tone.WARN;
            case StatusText.DOWN -> Tone.BAD;
            default -> Tone.FAINT;
        };
    }

    private static String domain(String domain, boolean human) {
        return domain != null ? domain : human ? ACCOUNT : "";
    }
}
