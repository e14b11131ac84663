package org.hostctl.cli.cmd.maillog;

import java.io.PrintWriter;
import java.util.List;
import org.hostctl.api.MailAttempt;
import org.hostctl.api.MailHop;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailMessage;
import org.hostctl.api.MailNotification;
import org.hostctl.api.MailRecipient;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.output.Printable;
import org.hostctl.client.MailLogQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hostctl mail log show}. */
@Command(name = "show", description = "One message with its whole trail: every recipient, every delivery attempt,"
        + " the mail hosts it passed, and the bounce or delay notifications Postfix sent about it.",
        footer = {"", "ID is the ID column of 'mail log', a queue ID, or the Message-ID. Exit 3 when it is not in"
            + " your send log.", "",
            "Examples:", "  hostctl mail log show 4BC2D1F2A3", "  hostctl mail log show '<a1b2@example.com>'",
            "  hostctl mail log show 9f86d081884c7d65 -o json --jq '.recipients[].attempts'",
            "  hostctl mail log show 4BC2D1F2A3 -o json --jq '.hops[].host'"})
public final class MailLogShowCommand extends BaseCommand {
    @Parameters(paramLabel = "ID")
    String id;

    public MailLogShowCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        MailMessage m = api().mailLogEntry(resolve(id));
        if (out().format() != Format.table) {
            out().one(m, MailLogColumns.entries());
            return ExitCodes.OK;
        }
        print(out().out(), m);
        return ExitCodes.OK;
    }

    /** A Message-ID that cannot be a path segment is looked up by the list's filter first. */
    private String resolve(String raw) {
        if (!raw.contains("/") && !raw.contains("\\") && !raw.isBlank()) {
            return raw;
        }
        MailLogPage page = api().mailLog(new MailLogQuery(null, null, null, null, null, raw, null, null, 1, null));
        if (page.items().isEmpty()) {
            throw new HostctlException(ExitCodes.NOT_FOUND, "no entry " + Printable.of(raw) + " in your send log");
        }
        return page.items().get(0).id();
    }

    private void print(PrintWriter w, MailMessage m) {
        field(w, "ID", m.id());
        field(w, "Kind", m.kind());
        field(w, "Direction", m.direction());
        if (m.status() != null && !m.status().isEmpty()) {
            w.print(String.format("%-12s", "Status"));
            out().alert(w, Printable.of(m.status()));
            w.println();
        }
        field(w, "Received", m.receivedAt() == null ? null : m.receivedAt().toString());
        field(w, "Host", m.host());
        field(w, "Queue IDs", m.queueIds() == null ? null : String.join(" ", m.queueIds()));
        field(w, "Message-ID", m.messageId());
        field(w, "From", m.from() == null || m.from().isEmpty() ? "<>" : m.from());
        field(w, "SASL user", m.saslUser());
        field(w, "Client", m.client());
        field(w, "Size", m.sizeBytes() == null ? null : m.sizeBytes() + " bytes");
        field(w, "Recipients", m.nrcpt() == null ? null : m.nrcpt().toString());
        field(w, "Left queue", m.removedAt() == null ? null : m.removedAt().toString());
        List<MailHop> hops = m.hops() == null ? List.of() : m.hops();
        if (!hops.isEmpty()) {
            w.println();
            w.println("Hops:");
            for (MailHop h : hops) {
                String queueIds = h.queueIds() == null ? null : String.join(" ", h.queueIds());
                w.println("  " + Printable.of(join(h.host(), queueIds,
                        h.receivedAt() == null ? null : "received " + h.receivedAt(),
                        h.removedAt() == null ? "queued" : "left " + h.removedAt())));
            }
        }
        boolean hosts = !hops.isEmpty();
        for (MailRecipient r : m.recipients() == null ? List.<MailRecipient>of() : m.recipients()) {
            w.println();
            w.println("To " + Printable.of(r.address()) + (r.origTo() == null ? "" : " (for "
                    + Printable.of(r.origTo()) + ")") + ": " + Printable.of(r.status()));
            List<MailAttempt> attempts = r.attempts() == null ? List.of() : r.attempts();
            if (attempts.isEmpty() && r.response() != null) {
                w.println("  " + Printable.of(join(r.lastAttemptAt() == null ? null : r.lastAttemptAt().toString(),
                        r.dsn(), r.relay(), r.response())));
            }
            for (MailAttempt a : attempts) {
                w.println("  " + Printable.of(join(a.at() == null ? null : a.at().toString(), hosts ? a.host() : null,
                        a.status(), a.dsn(), a.relay(), a.delay() == null ? null : "delay=" + a.delay(),
                        a.response())));
            }
        }
        List<MailNotification> notes = m.notifications() == null ? List.of() : m.notifications();
        if (!notes.isEmpty()) {
            w.println();
            w.println("Notifications:");
            for (MailNotification n : notes) {
                String to = n.recipients() == null ? "" : String.join(", ", n.recipients().stream()
                        .map(r -> r.address() + " " + r.status()).toList());
                w.println("  " + Printable.of(join(n.receivedAt() == null ? null : n.receivedAt().toString(),
                        n.kind(), n.queueIds() == null ? null : String.join(" ", n.queueIds()), "to " + to)));
            }
        }
        w.flush();
    }

    private static void field(PrintWriter w, String name, String value) {
        shown(w, name, value == null ? null : Printable.of(value));
    }

    /** A line of the detail whose value is already made printable. */
    private static void shown(PrintWriter w, String name, String shown) {
        if (shown != null && !shown.isEmpty()) {
            w.println(String.format("%-12s%s", name, shown));
        }
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                b.append(b.length() == 0 ? "" : "  ").append(p);
            }
        }
        return b.toString();
    }
}
