package org.hostctl.cli.cmd.mail;

import java.util.List;
import org.hostctl.api.Alias;
import org.hostctl.api.Autoreply;
import org.hostctl.api.Domain;
import org.hostctl.api.Mailbox;
import org.hostctl.api.Sizes;
import org.hostctl.cli.output.Column;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Tone;

/** Table and CSV columns of the mail commands, declared once. */
final class MailColumns {
    private MailColumns() {}

    static List<Column<Domain>> domains() {
        return List.of(
                Column.of("DOMAIN", Domain::unicodeName),
                Column.of("ASCII", d -> d.name().equals(d.unicodeName()) ? "" : d.name()),
                Column.of("MAILBOXES", d -> Integer.toString(d.mailboxes())),
                Column.of("ALIASES", d -> Integer.toString(d.aliases())));
    }

    static List<Column<Mailbox>> mailboxes(Output out) {
        return List.of(
                Column.of("ADDRESS", Mailbox::address),
                Column.toned("STATE", Mailbox::state, m -> Mailbox.ACTIVE.equals(m.state()) ? null : Tone.BAD),
                Column.of("QUOTA", m -> Sizes.format(m.quotaBytes(), true)),
                Column.of("USED", m -> m.usageBytes() == null ? "" : Sizes.format(m.usageBytes(), false)
                        + (m.quotaBytes() > 0 ? " (" + percent(m) + "%)" : "")),
                Column.of("NAME", Mailbox::name),
                Column.of("CREATED", m -> m.createdAt() == null ? "" : m.createdAt().toString()),
                Column.of("PURGE AFTER", m -> m.purgeAfter() == null ? "" : m.purgeAfter().toString()));
    }

    static List<Column<Alias>> aliases() {
        return List.of(
                Column.of("ALIAS", Alias::source),
                Column.of("DESTINATIONS", a -> String.join(", ", a.destinations())));
    }

    static List<Column<Autoreply>> autoreplies() {
        return List.of(
                Column.of("ADDRESS", Autoreply::address),
                Column.of("ENABLED", a -> a.enabled() ? "yes" : "no"),
                Column.of("FROM", a -> a.startDate() == null ? "" : a.startDate().toString()),
                Column.of("UNTIL", a -> a.endDate() == null ? "" : a.endDate().toString()),
                Column.of("EVERY", a -> a.intervalDays() == null ? "" : a.intervalDays() + "d"),
                Column.of("SUBJECT", Autoreply::subject));
    }

    private static long percent(Mailbox m) {
        return Math.round(100.0 * m.usageBytes() / m.quotaBytes());
    }
}
