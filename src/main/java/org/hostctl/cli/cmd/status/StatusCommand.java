package org.hostctl.cli.cmd.status;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hostctl.api.Addresses;
import org.hostctl.api.Notice;
import org.hostctl.api.ServiceState;
import org.hostctl.api.StatusReport;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.cmd.BaseCommand;
import org.hostctl.cli.output.Format;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Printable;
import org.hostctl.client.ApiException;
import org.hostctl.client.UnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostctl status}: the account's services now, and the group of {@code history}. */
@Command(name = "status", sortOptions = false,
        description = {"Whether your mail, websites and send log work right now, and your provider's notices."},
        subcommands = {StatusHistoryCommand.class},
        footer = {"",
            "One row per domain and service: imap (reading mail), lmtp (delivery into mailboxes), managesieve (mail "
                    + "filters), web (a website), sendlog (the send log of 'hostctl mail log'), store (the server's "
                    + "database); (account) marks services of the whole account. STATE is ok (it works), degraded "
                    + "(it answers, but slowly or only in part), down (it does not answer) or unknown (not checked "
                    + "yet since the server started). SINCE is when the service entered that state. Your provider's "
                    + "open notices follow the table.",
            "",
            "Exit 0 when nothing is down, 6 when a service is down (with --strict: also when one is degraded or "
                    + "unknown) or the API cannot be reached. The report is printed either way; stderr names what is "
                    + "down. With --domain only that domain's services count, and exit 3 when it has none.",
            "",
            "--watch asks again every --interval seconds. On a terminal it redraws the table; otherwise it prints "
                    + "the report once and then, at each change, the services whose state changed (-o json: one "
                    + "whole report per line). A failed request is reported on stderr and watching goes on. Ctrl-C "
                    + "ends it; with --count it ends after N requests, with the exit code of the last report.",
            "",
            "Examples:",
            "  hostctl status",
            "  hostctl status --domain example.com --strict \\",
            "      || echo 'example.com has a problem'",
            "  hostctl status --watch",
            "  hostctl status --watch --count 120 -o json > status.jsonl",
            "  hostctl status -o json \\",
            "      --jq '.services[] | select(.state != \"ok\") | .service'",
            "  hostctl status history --days 7"})
public final class StatusCommand extends BaseCommand {
    /** The shortest time between two requests of {@code --watch}. */
    static final int MIN_INTERVAL_SECONDS = 2;
    /** The time between two requests before the server has said its probe interval. */
    static final int DEFAULT_INTERVAL_SECONDS = 30;
    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's services (repeatable);"
            + " notices are still shown.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--strict", description = "Exit 6 also when a service is degraded or unknown.")
    boolean strict;

    @Option(names = {"-w", "--watch"}, description = "Keep asking and show changes, until interrupted.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Seconds between two requests of --watch"
            + " (default: how often the server checks, at least 2).")
    Integer interval;

    @Option(names = "--count", paramLabel = "N", description = "Stop --watch after N requests.")
    Integer count;

    private Set<String> only;

    public StatusCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (!watch && (interval != null || count != null)) {
            throw HostctlException.usage("--interval and --count go with --watch");
        }
        if (interval != null && interval < MIN_INTERVAL_SECONDS) {
            throw HostctlException.usage("--interval must be at least " + MIN_INTERVAL_SECONDS + " seconds");
        }
        if (count != null && count < 1) {
            throw HostctlException.usage("--count must be at least 1");
        }
        only = domains();
        out(); // --jq with -o csv fails here, before any request
        if (watch) {
            return watch();
        }
        StatusReport report = filter(api().status());
        if (!only.isEmpty() && report.services().isEmpty()) {
            throw new HostctlException(ExitCodes.NOT_FOUND, "no services of " + Printable.of(String.join(", ",
                    only)) + " in your account");
        }
        print(report, relative());
        return finish(report);
    }

    /** The {@code --domain} values as the server spells domains: A-labels, lower case, no final dot. */
    private Set<String> domains() {
        Set<String> set = new LinkedHashSet<>();
        for (String d : domains) {
            try {
                set.add(Addresses.domain(d));
            } catch (IllegalArgumentException e) {
                throw HostctlException.usage("--domain: " + e.getMessage());
            }
        }
        return set;
    }

    /** The report with only the {@code --domain} services, its state the worst of those. */
    private StatusReport filter(StatusReport r) {
        if (only.isEmpty()) {
            return r;
        }
        List<ServiceState> services = r.services().stream().filter(s -> s.domain() != null
                && only.contains(s.domain())).toList();
        String state = services.isEmpty() ? r.state() : StatusText.OK;
        for (ServiceState s : services) {
            state = worse(state, s.state());
        }
        return new StatusReport(state, r.generatedAt(), r.intervalSeconds(), services, r.notices());
    }

    private static String worse(String a, String b) {
        List<String> order = List.of(StatusText.OK, StatusText.UNKNOWN, StatusText.DEGRADED, StatusText.DOWN);
        return order.indexOf(b) > order.indexOf(a) ? b : a;
    }

    /** Relative times: a table on a terminal. */
    private boolean relative() {
        return context.interactive() && out().format() == Format.table;
    }

    /** The whole report in the chosen format. */
    private void print(StatusReport r, boolean relative) {
        Output o = out();
        Instant now = now(r);
        switch (o.format()) {
            case json, yaml -> o.one(r, List.of());
            case csv -> o.list(r.services(), StatusColumns.services(false, false, now));
            case table -> {
                o.list(r.services(), StatusColumns.services(true, relative, now));
                if (!r.notices().isEmpty()) {
                    if (!r.services().isEmpty()) {
                        o.out().println();
                    }
                    StatusText.notices(o.out(), o, r.notices(), now, relative);
                }
            }
        }
        o.out().flush();
    }

    /** Exit 6 with one line on stderr when something failing is shown, else 0. */
    private int finish(StatusReport r) {
        List<ServiceState> failing = r.services().stream().filter(s -> StatusText.failing(s.state(), strict))
                .toList();
        if (failing.isEmpty()) {
            return ExitCodes.OK;
        }
        out().err().println("hostctl: " + StatusText.summary(failing));
        out().err().flush();
        return ExitCodes.UNAVAILABLE;
    }

    /** The time relative times count from: the server's, so that clock skew does not matter. */
    private Instant now(StatusReport r) {
        return r.generatedAt() != null ? r.generatedAt() : context.clock().instant();
    }

    private int watch() {
        boolean redraw = context.interactive() && out().format() == Format.table;
        StatusReport last = null;
        boolean lastFailed = false;
        for (int polls = 1; ; polls++) {
            StatusReport r = poll();
            lastFailed = r == null;
            if (r != null) {
                if (redraw) {
                    draw(r, last != null);
                } else if (last == null) {
                    first(r);
                } else {
                    changes(last, r);
                }
                last = r;
            }
            if (count != null && polls >= count) {
                break;
            }
            try {
                context.sleep(Duration.ofSeconds(seconds(last)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
        }
        return last == null || lastFailed ? ExitCodes.UNAVAILABLE : finish(last);
    }

    /** One request; null after a failure that may pass (reported on stderr), which --watch outlives. */
    private StatusReport poll() {
        try {
            return filter(api().status());
        } catch (UnavailableException e) {
            failed(e.getMessage());
        } catch (ApiException e) {
            if (ExitCodes.forStatus(e.status()) != ExitCodes.UNAVAILABLE && e.status() < 500) {
                throw e;
            }
            failed(e.getMessage());
        }
        return null;
    }

    private void failed(String message) {
        out().err().println("hostctl: " + LocalTime.now(context.clock()).format(HH_MM_SS) + " "
                + Printable.of(message) + "; still watching");
        out().err().flush();
    }

    private int seconds(StatusReport last) {
        if (interval != null) {
            return interval;
        }
        return Math.max(MIN_INTERVAL_SECONDS, last == null ? DEFAULT_INTERVAL_SECONDS : last.intervalSeconds());
    }

    /** Terminal: the whole table again under a header line, on a cleared screen when colour allows. */
    private void draw(StatusReport r, boolean again) {
        PrintWriter w = out().out();
        if (!out().clearScreen() && again) {
            w.println();
        }
        w.println("Every " + seconds(r) + "s \u2014 updated "
                + LocalTime.now(context.clock()).format(HH_MM_SS));
        w.println();
        print(r, true);
    }

    /** Not a terminal: the first report as a whole; JSON on one line. */
    private void first(StatusReport r) {
        if (out().format() == Format.json) {
            jsonLine(r);
        } else {
            print(r, false);
        }
    }

    /** Not a terminal: what changed since {@code prev}, nothing when nothing did. */
    private void changes(StatusReport prev, StatusReport cur) {
        Map<String, ServiceState> before = new HashMap<>();
        prev.services().forEach(s -> before.put(key(s), s));
        List<ServiceState> changed = new ArrayList<>();
        List<Change> lines = new ArrayList<>();
        String at = StatusText.when(now(cur), null, false);
        for (ServiceState s : cur.services()) {
            ServiceState b = before.remove(key(s));
            if (b == null || !java.util.Objects.equals(b.state(), s.state())) {
                changed.add(s);
                lines.add(line(at, s, b == null ? "new" : b.state(), s.state(), s.detail()));
            }
        }
        for (ServiceState gone : before.values()) {
            lines.add(line(at, gone, gone.state(), "gone", null));
        }
        Set<Long> open = new LinkedHashSet<>();
        prev.notices().forEach(n -> open.add(n.id()));
        for (Notice n : cur.notices()) {
            if (!open.remove(n.id())) {
                lines.add(Change.plain(at + "  notice #" + n.id() + " [" + Printable.of(n.service())
                        + (n.backend() == null ? "" : "/" + Printable.of(n.backend())) + "] " + Printable.of(n.title())));
            }
        }
        for (Long id : open) {
            lines.add(Change.plain(at + "  notice #" + id + " closed"));
        }
        if (lines.isEmpty()) {
            return;
        }
        switch (out().format()) {
            case json -> jsonLine(cur);
            case yaml -> {
                out().out().println("---");
                out().one(cur, List.of());
            }
            case csv -> new Output(out().out(), out().err(), Format.csv, true, null, false)
                    .list(changed, StatusColumns.services(false, false, now(cur)));
            case table -> lines.forEach(c -> {
                out().out().print(c.head());
                out().tone(out().out(), c.now(), c.tone());
                out().out().println(c.tail());
            });
        }
        out().out().flush();
    }

    private static String key(ServiceState s) {
        return s.domain() + "\u0000" + s.service() + "\u0000" + s.backend();
    }

    /** {@code TIME  DOMAIN  SERVICE  BACKEND  BEFORE -> NOW  DETAIL}, server text made printable. */
    private Change line(String at, ServiceState s, String before, String now, String detail) {
        List<String> cells = new ArrayList<>();
        cells.add(at);
        cells.add(s.domain() == null ? StatusColumns.ACCOUNT : Printable.of(s.domain()));
        cells.add(Printable.of(s.service()));
        cells.add(Printable.of(s.backend() == null ? "-" : s.backend()));
        cells.add(Printable.of(before) + " -> ");
        return new Change(String.join("  ", cells), Printable.of(now), StatusColumns.tone(now),
                detail != null && !detail.isEmpty() ? "  " + Printable.of(detail) : "");
    }

    /** A line of {@code --watch} changes: {@code head}, then {@code now} in its colour, then {@code tail}. */
    private record Change(String head, String now, org.hostctl.cli.output.Tone tone, String tail) {
        static Change plain(String text) {
            return new Change(text, "", null, "");
        }
    }

    /** One report as one line of JSON (JSON Lines); through --jq when given. */
    private void jsonLine(StatusReport r) {
        if (global().jq() != null) {
            out().one(r, List.of());
            return;
        }
        out().out().println(Output.jsonLine(r));
        out().out().flush();
    }
}
