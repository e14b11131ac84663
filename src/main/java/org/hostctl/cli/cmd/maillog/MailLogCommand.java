package org.hostctl.cli.cmd.maillog;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hostctl.api.Addresses;
import org.hostctl.api.MailLogPage;
import org.hostctl.api.MailMessage;
import org.hostctl.api.MailRecipient;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Printable;
import org.hostctl.client.MailLogQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostctl mail log}: the send log, and the group of {@code show} and {@code stats}. */
@Command(name = "log", sortOptions = false,
        description = {"Your send log: mail your domains sent and received, newest first, with what became of it.",
            "",
            "Mail another account sent you shows only your own recipients."},
        subcommands = {MailLogShowCommand.class, MailLogStatsCommand.class},
        footer = {"",
            "STATUS is sent, deferred (still queued), bounced, expired (given up) or rejected (refused at "
                    + "submission). Exit 3 when nothing matches. With --wait: 0 when the newest matching message was "
                    + "delivered, 5 when it bounced, expired or was rejected, 6 when the time ran out. With --to, "
                    + "the wait is about the recipients --to matches only (the address, also before alias "
                    + "expansion, or every recipient at the domain), and the entry shows those recipients.",
            "",
            "Examples:",
            "  hostctl mail log --since 2h",
            "  hostctl mail log --to bob@example.net --status bounced",
            "  hostctl mail log --direction in --since 2026-11-28",
            "  hostctl mail log --message-id '<a1b2@example.com>' --wait 5m \\",
            "      && echo delivered",
            "  hostctl mail log --to info@shop.example --since 5m --wait 1m",
            "  hostctl mail log --to '\"odd, user\"@remote.example'",
            "  hostctl mail log --follow",
            "  hostctl mail log -o json --jq '.[] | select(.status == \"bounced\") | .id'"})
public final class MailLogCommand extends BaseCommand {
    /** How often {@code --wait} asks again. */
    static final Duration WAIT_POLL = Duration.ofSeconds(1);
    /** How often {@code --follow} asks again. */
    static final Duration FOLLOW_POLL = Duration.ofSeconds(2);

    @Option(names = "--from", paramLabel = "ADDR", description = "Sender address or domain; a quoted local part"
            + " as with --to.")
    String from;

    @Option(names = "--to", paramLabel = "ADDR", description = "Recipient address (also before alias expansion)"
            + " or domain. A quoted local part (\"odd, user\"@example.net) matches as Postfix logs it.")
    String to;

    @Option(names = "--since", paramLabel = "WHEN", description = "From this time on: 2h, 7d, 2026-11-28,"
            + " 2026-11-28T10:00 (local time) or 2026-11-28T10:00:00Z.")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Before this time; same forms as --since.")
    String until;

    @Option(names = "--status", paramLabel = "STATUS", description = "A recipient in this state: sent, deferred,"
            + " bounced, expired; or rejected (refused at submission).")
    String status;

    @Option(names = "--message-id", paramLabel = "ID", description = "The Message-ID header, with or without <>.")
    String messageId;

    @Option(names = "--queue-id", paramLabel = "QID", description = "A Postfix queue ID.")
    String queueId;

    @Option(names = "--direction", paramLabel = "in|out", description = "out: sent from your domains;"
            + " in: received by them.")
    String direction;

    @Option(names = "--limit", paramLabel = "N", description = "At most N entries (1-500, default 50).")
    Integer limit;

    @Option(names = "--follow", description = "Keep printing new entries as they are logged, until interrupted.")
    boolean follow;

    @Option(names = "--wait", paramLabel = "DURATION", description = "Wait until the newest matching message is"
            + " delivered or failed, at most DURATION (30s, 5m, 1h); with --to, until the recipients it matches"
            + " are.")
    String wait;

    public MailLogCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws InterruptedException {
        if (follow && wait != null) {
            throw HostctlException.usage("--follow and --wait do not go together");
        }
        MailLogQuery q = query();
        if (wait != null) {
            return waitFor(q, TimeArgs.duration("--wait", wait));
        }
        if (follow) {
            return follow(q);
        }
        MailLogPage page = api().mailLog(q);
        if (page.items().isEmpty()) {
            if (out().format() == Format.json || out().format() == Format.yaml) {
                out().list(page.items(), MailLogColumns.entries());
            }
            out().info("no message matches");
            return ExitCodes.NOT_FOUND;
        }
        out().list(page.items(), MailLogColumns.entries());
        if (page.nextCursor() != null && out().format() == Format.table) {
            out().info("more entries are older: narrow with --since/--until or raise --limit (at most 500)");
        }
        return ExitCodes.OK;
    }

    private MailLogQuery query() {
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        if (limit != null && (limit < 1 || limit > 500)) {
            throw HostctlException.usage("--limit must be from 1 to 500");
        }
        if (direction != null && !direction.equals("in") && !direction.equals("out")) {
            throw HostctlException.usage("--direction must be in or out");
        }
        return new MailLogQuery(from, to, TimeArgs.instant("--since", since, now, zone),
                TimeArgs.instant("--until", until, now, zone), status, messageId, queueId, direction, limit, null);
    }

    /** Polls until the newest match is final; exit 0, 5 or 6. */
    private int waitFor(MailLogQuery q, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        MailLogQuery newest = new MailLogQuery(q.from(), q.to(), q.since(), q.until(), q.status(), q.messageId(),
                q.queueId(), q.direction(), 1, null);
        MailMessage last = null;
        while (true) {
            List<MailMessage> items = api().mailLog(newest).items();
            if (!items.isEmpty()) {
                last = matching(items.get(0));
                if (MailMessage.isFinal(last.status())) {
                    out().one(last, MailLogColumns.entries());
                    return "sent".equals(last.status()) ? ExitCodes.OK : ExitCodes.REJECTED;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (last != null) {
                    out().one(last, MailLogColumns.entries());
                }
                out().info("gave up after " + wait + ": " + (last == null ? "no message matches yet"
                        : "the newest match is still " + last.status()));
                return ExitCodes.UNAVAILABLE;
            }
            Thread.sleep(Math.min(WAIT_POLL.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    /**
     * With --to, {@code m} narrowed to the recipients the filter matches (by address or original address, or by
     * domain), its status theirs; else {@code m} itself. The server found {@code m} through such a recipient.
     */
    MailMessage matching(MailMessage m) {
        if (to == null || to.isBlank() || m.recipients() == null) {
            return m;
        }
        String address;
        String domain;
        try {
            address = to.contains("@") ? Addresses.logged(to).toString() : null;
            domain = address == null ? Addresses.domain(to) : null;
        } catch (IllegalArgumentException e) {
            return m;
        }
        List<MailRecipient> matched = m.recipients().stream().filter(r -> {
            String a = Addresses.comparable(r.address());
            if (address != null) {
                return address.equals(a) || address.equals(Addresses.comparable(r.origTo()));
            }
            return a != null && a.endsWith("@" + domain);
        }).toList();
        if (matched.isEmpty() || matched.size() == m.recipients().size()) {
            return m;
        }
        return new MailMessage(m.kind(), m.id(), m.direction(), status(matched), m.receivedAt(), m.queueIds(),
                m.messageId(), m.from(), m.saslUser(), m.client(), m.sizeBytes(), m.nrcpt(), m.removedAt(), matched,
                m.notifications(), m.host(), m.hops());
    }

    /** The summary state of recipients, as the server gives a message's: still queued, then failed, then sent. */
    private static String status(List<MailRecipient> recipients) {
        List<String> states = recipients.stream().map(MailRecipient::status).toList();
        for (String s : List.of("deferred", "pending", "bounced", "expired", "rejected", "sent")) {
            if (states.contains(s)) {
                return s;
            }
        }
        return "pending";
    }

    /** Prints the newest entries oldest first, then new ones as they come; stops when interrupted. */
    private int follow(MailLogQuery q) {
        Set<String> seen = new HashSet<>();
        Instant newest = q.since();
        List<MailMessage> first = new ArrayList<>(api().mailLog(q).items());
        java.util.Collections.reverse(first);
        PrintWriter w = out().out();
        for (MailMessage m : first) {
            seen.add(m.id());
            newest = m.receivedAt();
            line(w, m);
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(FOLLOW_POLL.toMillis());
                MailLogQuery next = new MailLogQuery(q.from(), q.to(), newest, q.until(), q.status(), q.messageId(),
                        q.queueId(), q.direction(), 500, null);
                List<MailMessage> items = new ArrayList<>(api().mailLog(next).items());
                java.util.Collections.reverse(items);
                for (MailMessage m : items) {
                    if (seen.add(m.id())) {
                        newest = m.receivedAt();
                        line(w, m);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /** One entry on one line: JSON for -o json, else the table's cells separated by two spaces. */
    private void line(PrintWriter w, MailMessage m) {
        if (out().format() == Format.json || out().format() == Format.yaml) {
            w.println(Output.jsonLine(m));
        } else {
            List<String> cells = new ArrayList<>();
            MailLogColumns.entries().forEach(c -> {
                String v = c.value().apply(m);
                cells.add(Printable.of(v == null || v.isEmpty() ? "-" : v));
            });
            w.println(String.join("  ", cells));
        }
        w.flush();
    }
}
