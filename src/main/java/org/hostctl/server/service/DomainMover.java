package org.hostctl.server.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.api.Addresses;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.sieve.SieveBackend;
import org.hostctl.server.sieve.SieveBackends;
import org.hostctl.server.sieve.SieveUnavailableException;
import org.hostctl.server.status.GreetingProbe;
import org.hostctl.server.status.MailBackends;
import org.hostctl.server.status.ProbeResult;
import org.hostctl.server.status.State;
import org.hostctl.server.store.DomainRow;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailRouteRepository;
import org.hostctl.server.store.MailboxRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hostd domain move}: puts a mail domain on another backend. Checks first and changes nothing when the domain
 * or backend is unknown, the domain is already there or the target is down; reads the Sieve scripts from the old
 * backend before anything is written; then creates the mailboxes on the target (Cyrus: CREATE, SETQUOTA, SETACL, as
 * {@code mailbox create}; a Dovecot reading hostd's tables needs nothing), copies the Sieve scripts and which one
 * is active, and only then switches the domain in the store ({@code domain.backend} and its {@code mail_route}
 * row, one transaction), so that a failure midway leaves the domain on the old backend. The mail itself is not
 * moved: the report gives the command per mailbox.
 */
public final class DomainMover {
    private static final Logger LOG = LoggerFactory.getLogger(DomainMover.class);
    /** Where hostd's default Dovecot is reached when a domain is on no listed backend. */
    private static final String LOCAL = "127.0.0.1";

    /**
     * One mailbox of the moved domain.
     *
     * @param state active, disabled or deleted
     * @param onTarget what the move does (did) to it on the target
     * @param scripts its Sieve scripts copied to the target
     * @param activeScript the active one among them, or null
     * @param sieve what happened to its Sieve scripts, in words
     * @param mailCommand the command that copies its mail (not run by hostd)
     */
    public record MailboxMove(String address, String state, String onTarget, List<String> scripts,
            String activeScript, String sieve, String mailCommand) {}

    /**
     * What a move does or did.
     *
     * @param from the backend the domain was on, null when none listed it (hostd's default Dovecot)
     * @param moved whether the store now points at {@code to} (false for a dry run)
     * @param routing what the switch changes (changed)
     * @param notMoved what the move leaves to the provider, each one line
     */
    public record Report(String domain, String from, String fromKind, String to, String toKind, boolean dryRun,
            boolean moved, List<MailboxMove> mailboxes, String routing, List<String> notMoved) {}

    private final MailRepository mail;
    private final MailRouteRepository routes;
    private final MailBackends backends;
    private final MailStores stores;
    private final SieveBackends sieves;
    private final Map<String, HostdConfig.MailBackendConfig> configs = new LinkedHashMap<>();
    private final Map<String, HostdConfig.SieveBackendConfig> sieveConfigs = new LinkedHashMap<>();
    private final Path dataDir;
    private final Duration timeout;

    /**
     * @param sieveConfigs {@code sieve.backends} with file paths absolute
     * @param timeout how long each probe of the target may take
     */
    public DomainMover(MailRepository mail, MailRouteRepository routes, MailBackends backends, MailStores stores,
            SieveBackends sieves, List<HostdConfig.MailBackendConfig> configs,
            List<HostdConfig.SieveBackendConfig> sieveConfigs, Path dataDir, Duration timeout) {
        this.mail = mail;
        this.routes = routes;
        this.backends = backends;
        this.stores = stores;
        this.sieves = sieves;
        configs.forEach(c -> this.configs.putIfAbsent(c.name(), c));
        sieveConfigs.forEach(c -> this.sieveConfigs.putIfAbsent(c.name(), c));
        this.dataDir = dataDir;
        this.timeout = timeout;
    }

    /** The mail backend holding a canonical domain now (moved there, else listing it), null when none does. */
    public String backendOf(String domain) {
        return backends.forDomain(domain).map(MailBackends.Backend::name).orElse(null);
    }

    /** One mailbox's Sieve scripts as read from the old backend. */
    private record Scripts(Map<String, String> texts, String active, String problem) {}

    /**
     * Moves {@code domain} to mail backend {@code backend}, or with {@code dryRun} only says what it would do.
     *
     * @throws ServiceException not found (unknown domain or backend), conflict (already there), unavailable (the
     *     target or, for the Sieve scripts, the old backend is down; or a step failed midway: the domain stays on
     *     the old backend and the message lists what was created on the target)
     */
    public Report move(String domain, String backend, boolean dryRun) {
        String name;
        try {
            name = Addresses.domain(domain);
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid(e.getMessage());
        }
        DomainRow row = mail.domain(name).orElseThrow(() -> ServiceException.notFound("no domain " + name));
        HostdConfig.MailBackendConfig target = configs.get(backend);
        if (target == null) {
            throw ServiceException.notFound("no mail backend " + backend + " in mail.backends of hostd.yaml (known: "
                    + (configs.isEmpty() ? "none" : String.join(", ", configs.keySet())) + ")");
        }
        Optional<MailBackends.Backend> current = backends.forDomain(name);
        String from = current.map(MailBackends.Backend::name).orElse(null);
        HostdConfig.MailBackendConfig source = from == null ? null : configs.get(from);
        if (target.name().equals(from)) {
            throw ServiceException.conflict("domain " + name + " is already on mail backend " + from);
        }
        requireUp(target);

        List<MailboxRow> boxes = mail.mailboxes(List.of(name));
        SieveBackend oldSieve = sieves.forDomain(name);
        SieveBackend newSieve = sieves.forBackend(target.name());
        boolean sameSieve = oldSieve == newSieve;
        Map<String, Scripts> scripts = new LinkedHashMap<>();
        for (MailboxRow b : boxes) {
            if (b.deletedAt() == null && !sameSieve) {
                scripts.put(b.email(), read(oldSieve, b, from));
            }
        }
        boolean cyrus = HostdConfig.MailBackendConfig.CYRUS.equals(target.kind());
        List<MailboxMove> plan = new ArrayList<>();
        for (MailboxRow b : boxes) {
            String state = state(b);
            String onTarget = !cyrus ? "nothing to create (Dovecot reads hostd's tables; the maildir is made at the"
                    + " first delivery or login)"
                    : b.deletedAt() != null ? "create, closed to its owner (deleted: restore works on " + target.name()
                            + ", the purge deletes it there)"
                    : b.active() ? "create (CREATE, SETQUOTA, SETACL)" : "create, closed to its owner (disabled)";
            Scripts s = scripts.get(b.email());
            String sieve = b.deletedAt() != null ? "not copied (deleted mailbox: its scripts stay on "
                    + describe(from) + ")"
                    : sameSieve ? "nothing to copy (the same Sieve store " + oldSieve.name() + ")"
                    : s.problem() != null ? "not copied: " + s.problem()
                    : s.texts().isEmpty() ? "none" : "copy through " + newSieve.name();
            plan.add(new MailboxMove(b.email(), state, onTarget, s == null || s.problem() != null ? List.of()
                    : List.copyOf(s.texts().keySet()), s == null ? null : s.active(), sieve,
                    mailCommand(b.email(), source, target)));
        }
        String routing = "domain " + name + " and its mail_route row " + (dryRun ? "would point" : "point")
                + " at " + target.name() + ": the proxy sends logins" + (target.postfixTransport() == null ? ""
                        : " and Postfix (transport_maps hostd-transport.cf) new mail to " + target.postfixTransport());
        List<String> notMoved = notMoved(name, from, source, target, boxes);
        if (dryRun) {
            return new Report(name, from, kind(source, from), target.name(), target.kind(), true, false, plan,
                    routing, notMoved);
        }

        List<String> done = new ArrayList<>();
        MailStores.Store store = stores.forBackend(target.name());
        List<MailboxMove> result = new ArrayList<>();
        String step = "";
        try {
            for (MailboxRow b : boxes) {
                step = "creating " + b.email();
                store.create(b);
                if (b.deletedAt() != null || !b.active()) {
                    store.access(b, false);
                }
                if (cyrus) {
                    done.add("mailbox " + b.email());
                }
            }
            for (MailboxMove m : plan) {
                Scripts s = scripts.get(m.address());
                if (s == null || s.problem() != null) {
                    continue;
                }
                for (Map.Entry<String, String> e : s.texts().entrySet()) {
                    step = "storing Sieve script " + e.getKey() + " of " + m.address();
                    newSieve.put(m.address(), e.getKey(), e.getValue());
                    done.add("Sieve script " + e.getKey() + " of " + m.address());
                }
                if (s.active() != null) {
                    step = "activating Sieve script " + s.active() + " of " + m.address();
                    newSieve.activate(m.address(), s.active());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("moving {} to {} failed at {}: {}", name, target.name(), step, e.toString());
            boolean down = e instanceof SieveUnavailableException || e instanceof ServiceException se
                    && se.kind() == ServiceException.Kind.UNAVAILABLE;
            throw new ServiceException(down ? ServiceException.Kind.UNAVAILABLE : ServiceException.Kind.CONFLICT,
                    "move-failed", "moving " + name + " to " + target.name() + " failed while " + step + ": "
                    + e.getMessage() + "; the domain stays on " + describe(from) + ". Created on " + target.name()
                    + " so far: " + (done.isEmpty() ? "nothing" : String.join(", ", done)) + " (running the move"
                    + " again keeps them and goes on)");
        }
        routes.move(MailStores.route(name, target));
        LOG.info("moved mail domain {} of account {} from {} to {}", name, row.account(), describe(from),
                target.name());
        for (MailboxMove m : plan) {
            result.add(new MailboxMove(m.address(), m.state(), m.onTarget().replaceFirst("^create", "created"),
                    m.scripts(), m.activeScript(), m.sieve().replaceFirst("^copy through", "copied through"),
                    m.mailCommand()));
        }
        // a mailbox created meanwhile went to the old backend: make it on the target too
        java.util.Set<String> known = new java.util.HashSet<>();
        boxes.forEach(b -> known.add(b.email()));
        List<String> late = new ArrayList<>(notMoved);
        for (MailboxRow b : mail.mailboxes(List.of(name))) {
            if (known.contains(b.email())) {
                continue;
            }
            String onTarget = cyrus ? "created after the switch (it was made during the move)"
                    : "nothing to create (Dovecot reads hostd's tables)";
            try {
                store.create(b);
                if (b.deletedAt() != null || !b.active()) {
                    store.access(b, false);
                }
            } catch (RuntimeException e) {
                onTarget = "NOT created (it was made on " + describe(from) + " during the move): " + e.getMessage();
                late.add(b.email() + " was created during the move and could not be made on " + target.name()
                        + ": create it there as the Cyrus admin (CREATE, SETQUOTA, SETACL, e.g. with cyradm)");
            }
            result.add(new MailboxMove(b.email(), state(b), onTarget, List.of(), null, "not copied (made during the"
                    + " move)", mailCommand(b.email(), source, target)));
        }
        notMoved = late;
        return new Report(name, from, kind(source, from), target.name(), target.kind(), false, true, result,
                routing, notMoved);
    }

    private static String state(MailboxRow b) {
        return b.deletedAt() != null ? "deleted" : b.active() ? "active" : "disabled";
    }

    private static String describe(String backend) {
        return backend == null ? "hostd's default Dovecot (no mail.backends entry)" : backend;
    }

    private static String kind(HostdConfig.MailBackendConfig c, String name) {
        return c != null ? c.kind() : name == null ? HostdConfig.MailBackendConfig.DOVECOT : null;
    }

    /** Refuses a target whose IMAP, LMTP or ManageSieve does not answer now. */
    private void requireUp(HostdConfig.MailBackendConfig target) {
        MailBackends.Backend b = backends.byName(target.name()).orElseThrow();
        List<String> down = new ArrayList<>();
        if (b.imapPort() > 0) {
            probe(GreetingProbe.Protocol.IMAP, "imap", b.host(), b.imapPort(), down);
        }
        if (b.lmtpPort() > 0) {
            probe(GreetingProbe.Protocol.LMTP, "lmtp", b.host(), b.lmtpPort(), down);
        }
        if (b.sieveHost() != null) {
            probe(GreetingProbe.Protocol.MANAGESIEVE, "managesieve", b.sieveHost(), b.sievePort(), down);
        }
        if (!down.isEmpty()) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "backend-unavailable", "mail backend "
                    + target.name() + " is down (" + String.join(", ", down) + "); nothing was changed");
        }
    }

    private void probe(GreetingProbe.Protocol p, String service, String host, int port, List<String> down) {
        ProbeResult r = new GreetingProbe(p, host, port).run(timeout, timeout);
        if (r.state() == State.DOWN) {
            down.add(service + ": " + r.detail());
        }
    }

    /** The mailbox's scripts on the old backend; trouble with an active mailbox stops the move before any change. */
    private Scripts read(SieveBackend b, MailboxRow m, String from) {
        try {
            Map<String, String> texts = new LinkedHashMap<>();
            String active = null;
            for (SieveBackend.ScriptInfo s : b.list(m.email())) {
                texts.put(s.name(), b.get(m.email(), s.name()));
                if (s.active()) {
                    active = s.name();
                }
            }
            return new Scripts(texts, active, null);
        } catch (RuntimeException e) {
            if (m.active()) {
                throw new ServiceException(e instanceof SieveUnavailableException ? ServiceException.Kind.UNAVAILABLE
                        : ServiceException.Kind.CONFLICT, "backend-unavailable", "cannot read the Sieve scripts of "
                        + m.email() + " from " + b.name() + " (" + e.getMessage() + "); nothing was changed");
            }
            return new Scripts(Map.of(), null, "cannot read them from " + b.name() + " while the mailbox is disabled ("
                    + e.getMessage() + "); they stay on " + describe(from));
        }
    }

    private List<String> notMoved(String domain, String from, HostdConfig.MailBackendConfig source,
            HostdConfig.MailBackendConfig target, List<MailboxRow> boxes) {
        List<String> out = new ArrayList<>();
        out.add("the mail itself (messages and folders) stays on " + describe(from) + ": copy it per mailbox with the"
                + " command listed for it, after the switch, while both backends run; new mail goes to "
                + target.name() + " from the switch on");
        out.add("Postfix processes keep the last address they resolved for up to 30 s: a message in that window may"
                + " still land on " + describe(from) + " (the copy after the switch takes it along; postfix reload"
                + " ends the window at once)");
        boolean dovecotToDovecot = !isCyrus(source) && !isCyrus(target);
        if (dovecotToDovecot) {
            out.add("Dovecot to Dovecot: doveadm backup (dsync, Debian 12 dovecot-core) run on the old backend, to"
                    + " the new one's doveadm server (doveadm_port and doveadm_password set on both)");
        } else {
            out.add("imapsync is not packaged in Debian 12 (apt-cache policy imapsync finds nothing): install it"
                    + " from its upstream release; passwords come from files (--passfile1/--passfile2), logins as"
                    + " the Cyrus admin or a Dovecot master user on behalf of the mailbox (--authuser1/2)");
            if (isCyrus(source) && !isCyrus(target)) {
                out.add("Cyrus to Dovecot without imapsync: on the new Dovecot, doveadm backup -R -u ADDRESS imapc:"
                        + " with imapc_host, imapc_port, imapc_user = %u, imapc_master_user = the Cyrus admin and"
                        + " imapc_password in a config file of its own (-c FILE, mode 0600), never on the command line");
            }
            if (isCyrus(source) && isCyrus(target)) {
                out.add("Cyrus to Cyrus without imapsync: Cyrus's replication, sync_client -u ADDRESS on the old"
                        + " backend against the new one's sync_server (sync_host, sync_authname, sync_password in"
                        + " its imapd.conf)");
            }
            if (!isCyrus(source)) {
                out.add("a Dovecot source is read as a master user on behalf of the mailbox: give it the imap"
                        + " service too (master-users.imap next to master-users.sieve)");
            }
        }
        if (boxes.stream().anyMatch(b -> b.deletedAt() != null)) {
            out.add("deleted mailboxes: their mail and Sieve scripts stay on " + describe(from) + " (restore and the"
                    + " purge act on " + target.name() + " now); remove the old copy there when hostd's purge date"
                    + " has passed, or copy it over before restoring");
        }
        out.add("autoresponders stay in hostd's table and their rule files under mail.root: only a Dovecot reading"
                + " mail.root runs them");
        out.add("aliases need nothing: Postfix resolves them from hostd's tables to the mailboxes");
        if (from != null && !domainListedBy(domain, target)) {
            out.add("hostd.yaml still lists " + domain + " under " + listedUnder(domain) + "; the store's choice ("
                    + target.name() + ") wins from now on: edit the lists at leisure");
        }
        return out;
    }

    private boolean domainListedBy(String domain, HostdConfig.MailBackendConfig b) {
        return b.domains().stream().anyMatch(d -> Addresses.domain(d).equals(domain));
    }

    private String listedUnder(String domain) {
        return backends.listing(domain).map(MailBackends.Backend::name).orElse("no backend");
    }

    private static boolean isCyrus(HostdConfig.MailBackendConfig c) {
        return c != null && HostdConfig.MailBackendConfig.CYRUS.equals(c.kind());
    }

    /** The command that copies one mailbox's mail from the old backend to the new one. */
    String mailCommand(String address, HostdConfig.MailBackendConfig source, HostdConfig.MailBackendConfig target) {
        if (!isCyrus(source) && !isCyrus(target)) {
            return "doveadm backup -u " + address + " tcp:" + target.host() + ":12345";
        }
        return "imapsync " + login(1, address, source) + " " + login(2, address, target);
    }

    private String login(int n, String address, HostdConfig.MailBackendConfig b) {
        String host = b == null ? LOCAL : b.host();
        int port = b == null || b.imapPort() == 0 ? 143 : b.imapPort();
        String user;
        String file;
        if (isCyrus(b)) {
            user = b.adminUser();
            file = dataDir.toAbsolutePath().resolve(b.adminPasswordFile()).normalize().toString();
        } else {
            HostdConfig.SieveBackendConfig s = b == null ? null : sieveConfigs.get(b.name());
            user = s != null && s.masterUser() != null ? s.masterUser() : "hostd-master";
            file = s != null && s.masterPasswordFile() != null ? s.masterPasswordFile()
                    : "/etc/hostd/" + (b == null ? "dovecot" : b.name()) + "-master.pw";
        }
        return "--host" + n + " " + host + " --port" + n + " " + port + " --user" + n + " " + address + " --authuser"
                + n + " " + user + " --passfile" + n + " " + shell(file) + " --authmech" + n + " PLAIN";
    }

    private static String shell(String s) {
        return s.matches("[A-Za-z0-9._/@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
