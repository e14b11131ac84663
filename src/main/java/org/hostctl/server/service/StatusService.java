package org.hostctl.server.service;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hostctl.api.Notice;
import org.hostctl.api.Outage;
import org.hostctl.api.ServiceState;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.server.status.Check;
import org.hostctl.server.status.CheckState;
import org.hostctl.server.status.HealthMonitor;
import org.hostctl.server.status.MailBackends;
import org.hostctl.server.status.State;
import org.hostctl.server.store.AccountRepository;
import org.hostctl.server.store.Docroot;
import org.hostctl.server.store.DomainRow;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.StatusRepository;
import org.hostctl.server.text.TenantText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service status: which of an account's services work (from the {@link HealthMonitor}'s probes), their history,
 * and the provider's notices. Also the {@link MailGate} that refuses mailbox changes on a backend that is down.
 */
public final class StatusService implements MailGate {
    private static final Logger LOG = LoggerFactory.getLogger(StatusService.class);
    /** Services a notice can concern. */
    public static final List<String> NOTICE_SERVICES = List.of("mail", "web", "sendlog", "all");
    private static final List<String> SERVICE_ORDER = List.of("store", "sendlog", "web", "imap", "lmtp",
            "managesieve");
    private static final int MAX_TITLE = 200;
    private static final int MAX_BODY = 16 * 1024;

    private final StatusRepository store;
    private final MailRepository mail;
    private final AccountRepository accounts;
    private final MailBackends backends;
    private final int historyDays;
    private final Clock clock;
    private volatile HealthMonitor monitor;
    private volatile boolean sendLog;

    public StatusService(StatusRepository store, MailRepository mail, AccountRepository accounts,
            MailBackends backends, int historyDays, Clock clock) {
        this.store = store;
        this.mail = mail;
        this.accounts = accounts;
        this.backends = backends;
        this.historyDays = historyDays;
        this.clock = clock;
    }

    /** Connects the running probes; until then every service is unknown and no change is refused. */
    public void attach(HealthMonitor monitor, boolean sendLogFollowed) {
        this.monitor = monitor;
        this.sendLog = sendLogFollowed;
    }

    /** Every check's last recorded state, of every hostd sharing the store, for the provider. */
    public List<StatusRepository.CheckRow> checks() {
        return store.checks();
    }

    /** The document root URLs of all accounts, each probed once. */
    public List<String> docrootUrls() {
        Set<String> urls = new LinkedHashSet<>();
        accounts.list().forEach(a -> a.docroots().forEach(d -> urls.add(d.url())));
        return List.copyOf(urls);
    }

    // ---- the account's view

    private record Row(String domain, String service, String backend, String checkId) {}

    private List<Row> rows(String account) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(null, "store", "hostd", Check.STORE));
        if (sendLog) {
            rows.add(new Row(null, "sendlog", "postfix", Check.SENDLOG));
        }
        for (Docroot d : accounts.docroots(account)) {
            rows.add(new Row(host(d.url()), "web", d.url(), Check.webId(d.url())));
        }
        for (DomainRow d : mail.domains(account)) {
            backends.forDomain(d.name()).ifPresent(b -> {
                if (b.imapPort() > 0) {
                    rows.add(new Row(d.name(), "imap", b.name(), Check.mailId(b.name(), "imap")));
                }
                if (b.lmtpPort() > 0) {
                    rows.add(new Row(d.name(), "lmtp", b.name(), Check.mailId(b.name(), "lmtp")));
                }
                if (b.sieveHost() != null) {
                    rows.add(new Row(d.name(), "managesieve", b.name(), Check.mailId(b.name(), "managesieve")));
                }
            });
        }
        rows.sort(Comparator.comparing((Row r) -> r.domain() == null ? "" : r.domain())
                .thenComparing(r -> SERVICE_ORDER.indexOf(r.service())).thenComparing(Row::backend));
        return rows;
    }

    private static String host(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? url : h.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private Set<String> backendsOf(String account) {
        Set<String> names = new HashSet<>();
        for (DomainRow d : mail.domains(account)) {
            backends.forDomain(d.name()).ifPresent(b -> names.add(b.name()));
        }
        return names;
    }

    /** The account's services and the open notices concerning it. */
    public StatusReport report(Principal p) {
        HealthMonitor m = monitor;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<ServiceState> services = new ArrayList<>();
        State worst = State.OK;
        for (Row r : rows(p.account())) {
            CheckState s = m == null ? new CheckState(r.checkId(), State.UNKNOWN, now, "not probed: hostd runs no"
                    + " probes", null) : m.state(r.checkId());
            worst = worst.worse(s.state());
            services.add(new ServiceState(r.domain(), r.service(), r.backend(), s.state().wire(), s.since(),
                    s.detail(), s.checkedAt()));
        }
        Set<String> mine = backendsOf(p.account());
        List<Notice> notices = store.notices(null).stream().filter(n -> n.backend() == null
                || mine.contains(n.backend())).map(StatusService::notice).toList();
        int interval = m == null ? 0 : (int) m.interval().toSeconds();
        return new StatusReport(worst.wire(), now, interval, services, notices);
    }

    /** Outages and notices of the last {@code days} days (null: all that is kept). */
    public StatusHistory history(Principal p, String days) {
        int d = historyDays;
        if (days != null) {
            try {
                d = Integer.parseInt(days.strip());
            } catch (NumberFormatException e) {
                throw ServiceException.invalid("days must be a whole number of days, not '" + days + "'");
            }
            if (d < 1 || d > historyDays) {
                throw ServiceException.invalid("days must be 1-" + historyDays + " (history is kept for "
                        + historyDays + " days)");
            }
        }
        Instant until = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant since = until.minus(Duration.ofDays(d));
        List<Row> rows = rows(p.account());
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(r -> ids.add(r.checkId()));
        Map<String, List<StatusRepository.EventRow>> events = new HashMap<>();
        List<StatusRepository.EventRow> recorded = monitor == null ? List.of() : store.events(monitor.node(), ids, since);
        for (StatusRepository.EventRow e : recorded) {
            events.computeIfAbsent(e.checkId(), k -> new ArrayList<>()).add(e);
        }
        List<Outage> outages = new ArrayList<>();
        for (Row r : rows) {
            outages.addAll(outages(r, events.getOrDefault(r.checkId(), List.of()), since));
        }
        outages.sort(Comparator.comparing(Outage::start).reversed()
                .thenComparing(o -> o.domain() == null ? "" : o.domain())
                .thenComparing(o -> SERVICE_ORDER.indexOf(o.service())));
        Set<String> mine = backendsOf(p.account());
        List<Notice> notices = store.notices(since).stream().filter(n -> n.backend() == null
                || mine.contains(n.backend())).map(StatusService::notice).toList();
        return new StatusHistory(since, until, outages, notices);
    }

    private static List<Outage> outages(Row r, List<StatusRepository.EventRow> events, Instant since) {
        List<Outage> out = new ArrayList<>();
        StatusRepository.EventRow start = null;
        State worst = State.OK;
        for (StatusRepository.EventRow e : events) {
            State s = State.of(e.state());
            if (s == State.OK) {
                if (start != null && !e.at().isBefore(since)) {
                    out.add(new Outage(r.domain(), r.service(), r.backend(), worst.wire(), start.at(), e.at(),
                            start.detail()));
                }
                start = null;
                worst = State.OK;
            } else {
                if (start == null) {
                    start = e;
                }
                worst = worst.worse(s);
            }
        }
        if (start != null) {
            out.add(new Outage(r.domain(), r.service(), r.backend(), worst.wire(), start.at(), null,
                    start.detail()));
        }
        return out;
    }

    // ---- MailGate

    /**
     * Refuses when the domain's backend has IMAP or LMTP probed and every one of them is down, asked again right
     * now; a backend with neither (ManageSieve only) is never refused here: its filters fail on their own.
     */
    @Override
    public void requireUp(String domain) {
        HealthMonitor m = monitor;
        if (m == null) {
            return;
        }
        backends.forDomain(domain).ifPresent(b -> {
            List<String> services = new ArrayList<>();
            if (b.imapPort() > 0) {
                services.add("imap");
            }
            if (b.lmtpPort() > 0) {
                services.add("lmtp");
            }
            CheckState first = null;
            for (String s : services) {
                String id = Check.mailId(b.name(), s);
                CheckState st = m.state(id);
                if (st.state() == State.DOWN) {
                    st = m.recheck(id);
                }
                if (st.state() != State.DOWN) {
                    return;
                }
                if (first == null || st.since().isBefore(first.since())) {
                    first = st;
                }
            }
            if (first != null) {
                String service = first.id().substring(first.id().lastIndexOf('/') + 1);
                throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "backend-unavailable", "mail backend "
                        + b.name() + " of " + domain + " is down since " + first.since() + " (" + service + ": "
                        + first.detail() + "); changes to its mailboxes wait until it is back");
            }
        });
    }

    /** When the probes last saw one service of a backend go down, if they see it down now. */
    public java.util.Optional<String> downSince(String backend, String service) {
        HealthMonitor m = monitor;
        if (m == null || backend == null) {
            return java.util.Optional.empty();
        }
        CheckState s = m.state(Check.mailId(backend, service));
        return s.state() == State.DOWN ? java.util.Optional.of(s.since().toString()) : java.util.Optional.empty();
    }

    // ---- notices (provider)

    /** Posts a notice. */
    public Notice addNotice(String service, String backend, String title, String body) {
        if (service == null || !NOTICE_SERVICES.contains(service)) {
            throw ServiceException.invalid("service must be one of " + String.join(", ", NOTICE_SERVICES));
        }
        if (backend != null) {
            if (!"mail".equals(service)) {
                throw ServiceException.invalid("--backend names a mail backend; use it with --service mail");
            }
            if (backends.byName(backend).isEmpty()) {
                throw ServiceException.invalid("no mail backend named " + backend + " (known: "
                        + String.join(", ", backends.all().stream().map(MailBackends.Backend::name).toList()) + ")");
            }
        }
        String t = checkTitle(title);
        String b = checkBody(body);
        StatusRepository.NoticeRow row = store.addNotice(service, backend, t, b, clock.instant());
        LOG.info("notice {} posted for {}{}", row.id(), service, backend == null ? "" : "/" + backend);
        return notice(row);
    }

    /**
     * Replaces a notice's title, text or both (null: keep), e.g. with what is known now; the same text again
     * changes nothing.
     */
    public Notice updateNotice(long id, String title, String body) {
        StatusRepository.NoticeRow row = store.notice(id)
                .orElseThrow(() -> ServiceException.notFound("no notice " + id));
        if (title == null && body == null) {
            throw ServiceException.invalid("give a new title, a new text or both");
        }
        String t = title == null ? row.title() : checkTitle(title);
        String b = body == null ? row.body() : checkBody(body);
        if (!t.equals(row.title()) || !b.equals(row.body())) {
            store.updateNotice(id, t, b, clock.instant());
            LOG.info("notice {} updated", id);
            row = store.notice(id).orElseThrow();
        }
        return notice(row);
    }

    private static String checkTitle(String title) {
        String t = title == null ? "" : title.strip();
        String refused = TenantText.refused(t, false);
        if (refused != null) {
            throw ServiceException.invalid("the title must not contain " + refused);
        }
        if (t.isEmpty() || t.length() > MAX_TITLE || t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ServiceException.invalid("the title must be 1-" + MAX_TITLE + " characters on one line");
        }
        return t;
    }

    private static String checkBody(String body) {
        String b = body == null ? "" : body.replace("\r\n", "\n").strip();
        String refused = TenantText.refused(b, true);
        if (refused != null) {
            throw ServiceException.invalid("the body must not contain " + refused);
        }
        if (b.isEmpty() || b.length() > MAX_BODY
                || b.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
            throw ServiceException.invalid("the body must be 1-" + MAX_BODY + " characters without control"
                    + " characters");
        }
        return b;
    }

    /** Resolves a notice; resolving it again changes nothing. */
    public Notice resolveNotice(long id) {
        StatusRepository.NoticeRow row = store.notice(id)
                .orElseThrow(() -> ServiceException.notFound("no notice " + id));
        if (row.resolvedAt() == null) {
            store.resolveNotice(id, clock.instant());
            LOG.info("notice {} resolved", id);
            row = store.notice(id).orElseThrow();
        }
        return notice(row);
    }

    /** Open notices, or with {@code all} also those resolved in the kept history; newest first. */
    public List<Notice> notices(boolean all) {
        Instant since = all ? clock.instant().minus(Duration.ofDays(historyDays)) : null;
        return store.notices(since).stream().map(StatusService::notice).toList();
    }

    /** Deletes history older than the kept days. */
    public int purge() {
        return store.purge(clock.instant().minus(Duration.ofDays(historyDays)));
    }

    private static Notice notice(StatusRepository.NoticeRow r) {
        return new Notice(r.id(), r.service(), r.backend(), r.title(), r.body(), r.createdAt(), r.updatedAt(),
                r.resolvedAt());
    }
}
