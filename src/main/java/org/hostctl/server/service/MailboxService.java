package org.hostctl.server.service;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.api.Addresses;
import org.hostctl.api.Domain;
import org.hostctl.api.Mailbox;
import org.hostctl.api.MailboxCreate;
import org.hostctl.api.MailboxCreated;
import org.hostctl.api.PasswordChange;
import org.hostctl.server.mail.MailUsage;
import org.hostctl.server.mail.Passwords;
import org.hostctl.server.store.DomainRow;
import org.hostctl.server.store.DuplicateException;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailboxRow;
import org.hostctl.server.text.TenantText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail domains and mailboxes of accounts. An address whose domain belongs to another account is answered
 * exactly like a missing one.
 */
public final class MailboxService {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxService.class);
    private static final int MAX_NAME = 200;

    private final MailRepository mail;
    private final AccountService accounts;
    private final Passwords passwords;
    private final MailUsage usage;
    private final Duration retention;
    private final long defaultQuota;
    private final Clock clock;
    private final MailGate gate;
    private final MailStores stores;

    /**
     * @param gate refuses changes to the mailboxes of a backend that is down
     */
    public MailboxService(MailRepository mail, AccountService accounts, Passwords passwords, MailUsage usage,
            Duration retention, long defaultQuota, Clock clock, MailGate gate) {
        this(mail, accounts, passwords, usage, retention, defaultQuota, clock, gate, new MailStores(usage, Map.of()));
    }

    /**
     * @param stores where each domain's mailboxes live beside hostd's tables (Cyrus backends)
     */
    public MailboxService(MailRepository mail, AccountService accounts, Passwords passwords, MailUsage usage,
            Duration retention, long defaultQuota, Clock clock, MailGate gate, MailStores stores) {
        this.stores = stores;
        this.gate = gate;
        this.mail = mail;
        this.accounts = accounts;
        this.passwords = passwords;
        this.usage = usage;
        this.retention = retention;
        this.defaultQuota = defaultQuota;
        this.clock = clock;
    }

    // ---- provider administration

    /** Adds a domain to an account (provider side). */
    public DomainRow addDomain(String account, String domain) {
        accounts.show(account);
        String name = canonicalDomain(domain);
        try {
            return mail.addDomain(name, account, clock.instant());
        } catch (DuplicateException e) {
            throw ServiceException.conflict("domain " + name + " already belongs to an account");
        }
    }

    /** Removes a domain without mailboxes or aliases (provider side). */
    public void removeDomain(String domain) {
        String name = canonicalDomain(domain);
        if (!mail.removeDomain(name)) {
            throw ServiceException.notFound("no domain " + name);
        }
    }

    /** An account's domains (provider side). */
    public List<DomainRow> domainsOf(String account) {
        return mail.domains(account);
    }

    // ---- customer side

    public List<Domain> domains(Principal p) {
        Map<String, int[]> counts = mail.domainCounts(p.account());
        List<Domain> out = new ArrayList<>();
        counts.forEach((name, c) -> out.add(new Domain(name, Addresses.unicode(name), c[0], c[1])));
        return out;
    }

    /** The account's mailboxes, of one domain when {@code domain} is given. */
    public List<Mailbox> list(Principal p, String domain) {
        List<String> domains;
        if (domain == null || domain.isBlank()) {
            domains = mail.domains(p.account()).stream().map(DomainRow::name).toList();
        } else {
            domains = List.of(ownDomain(p, domain));
        }
        return mail.mailboxes(domains).stream().map(r -> view(r, false)).toList();
    }

    public Mailbox show(Principal p, String address) {
        return view(own(p, address), true);
    }

    public MailboxCreated create(Principal p, MailboxCreate req) {
        Addresses.Address a = ownAddress(req.address());
        String domain = ownDomain(p, a.domain());
        String email = a.toString();
        gate.requireUp(domain);
        Optional<MailboxRow> existing = mail.mailbox(email);
        if (existing.isPresent()) {
            MailboxRow r = existing.get();
            if (r.deletedAt() != null) {
                throw new ServiceException(ServiceException.Kind.CONFLICT, "mailbox-deleted", "mailbox " + email
                        + " was deleted on " + r.deletedAt() + "; restore it or wait until it is purged");
            }
            throw new ServiceException(ServiceException.Kind.CONFLICT, "mailbox-exists", "mailbox " + email
                    + " already exists");
        }
        if (mail.aliases(List.of(domain)).containsKey(email)) {
            throw ServiceException.conflict(email + " is an alias; remove the alias first");
        }
        long quota = req.quotaBytes() == null ? defaultQuota : checkQuota(req.quotaBytes());
        String name = checkName(req.name());
        char[] secret = secret(req.password(), req.generatePassword(), email);
        try {
            String hash = passwords.hash(secret);
            MailboxRow row = mail.createMailbox(new MailboxRow(email, domain, quota, true, domain + "/" + a.local(),
                    name, clock.instant(), null), hash);
            try {
                stores.forDomain(domain).create(row);
            } catch (RuntimeException e) {
                mail.setDeleted(email, clock.instant());
                mail.purge(email);
                throw e;
            }
            LOG.info("account {} created mailbox {}", p.account(), email);
            return new MailboxCreated(view(row, false), req.generatePassword() ? new String(secret) : null);
        } catch (DuplicateException e) {
            throw new ServiceException(ServiceException.Kind.CONFLICT, "mailbox-exists", "mailbox " + email
                    + " already exists");
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    public MailboxCreated passwd(Principal p, String address, PasswordChange req) {
        MailboxRow r = live(p, address);
        requireBackend(r);
        char[] secret = secret(req.password(), req.generate(), r.email());
        try {
            mail.setPassword(r.email(), passwords.hash(secret));
            LOG.info("account {} changed the password of {}", p.account(), r.email());
            return new MailboxCreated(view(r, false), req.generate() ? new String(secret) : null);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** Sets the quota; the same quota again changes nothing. */
    public Mailbox quota(Principal p, String address, long quotaBytes) {
        MailboxRow r = live(p, address);
        requireBackend(r);
        long q = checkQuota(quotaBytes);
        if (q != r.quotaBytes()) {
            stores.forDomain(r.domain()).quota(r, q);
            mail.setQuota(r.email(), q);
        }
        return show(p, r.email());
    }

    /** Sets the display name, null or blank to remove it; the same name again changes nothing. */
    public Mailbox rename(Principal p, String address, String name) {
        MailboxRow r = live(p, address);
        requireBackend(r);
        String n = checkName(name);
        if (!java.util.Objects.equals(n, r.displayName())) {
            mail.setName(r.email(), n);
        }
        return show(p, r.email());
    }

    /** Disables or enables a mailbox; nothing is lost, and doing it twice changes nothing. */
    public Mailbox setActive(Principal p, String address, boolean active) {
        MailboxRow r = live(p, address);
        requireBackend(r);
        if (r.active() != active) {
            stores.forDomain(r.domain()).access(r, active);
            mail.setActive(r.email(), active);
            LOG.info("account {} {} mailbox {}", p.account(), active ? "enabled" : "disabled", r.email());
        }
        return show(p, r.email());
    }

    /** Deletes a mailbox; it can be restored until the retention period has passed. */
    public Mailbox delete(Principal p, String address) {
        MailboxRow r = own(p, address);
        requireBackend(r);
        if (r.deletedAt() == null) {
            stores.forDomain(r.domain()).access(r, false);
            mail.setDeleted(r.email(), clock.instant());
            LOG.info("account {} deleted mailbox {}", p.account(), r.email());
        }
        return show(p, r.email());
    }

    public Mailbox restore(Principal p, String address) {
        MailboxRow r = own(p, address);
        requireBackend(r);
        if (r.deletedAt() == null) {
            return view(r, true);
        }
        stores.forDomain(r.domain()).access(r, r.active());
        mail.setDeleted(r.email(), null);
        LOG.info("account {} restored mailbox {}", p.account(), r.email());
        return show(p, r.email());
    }

    /**
     * Refuses an autoresponder for a mailbox on a Cyrus backend (422 {@code autoreply-unsupported}): hostd writes
     * it as a Sieve script Dovecot runs before the customer's own ({@code sieve_before}); Cyrus runs only the one
     * active script, so the reply would silently never be sent.
     */
    public void requireAutoreplies(MailboxRow r) {
        if (stores.forDomain(r.domain()) instanceof MailStores.CyrusStore cyrus) {
            throw new ServiceException(ServiceException.Kind.POLICY, "autoreply-unsupported", "autoresponders are"
                    + " not available for " + r.email() + ": " + r.domain() + " is on the Cyrus backend "
                    + cyrus.backend() + "; add a vacation rule to the mailbox's Sieve script instead (hostctl sieve"
                    + " edit)");
        }
    }

    /** Refuses a change to the mailbox while its mail backend is down (503 naming the backend). */
    public void requireBackend(MailboxRow r) {
        gate.requireUp(r.domain());
    }

    /** Removes mailboxes deleted longer ago than the retention period, with their mail. */
    public int purgeExpired() {
        int n = 0;
        for (MailboxRow r : mail.deletedBefore(clock.instant().minus(retention))) {
            try {
                stores.forDomain(r.domain()).purge(r);
                if (mail.purge(r.email())) {
                    n++;
                    LOG.info("purged mailbox {} deleted on {}", r.email(), r.deletedAt());
                }
            } catch (RuntimeException e) {
                LOG.error("could not purge mailbox {}: {}", r.email(), e.toString());
            }
        }
        return n;
    }

    // ---- helpers shared with aliases and autoresponders

    /** The canonical domain if it belongs to the principal's account; else not found. */
    String ownDomain(Principal p, String domain) {
        String name = canonicalDomain(domain);
        Optional<DomainRow> d = mail.domain(name);
        if (d.isEmpty() || !d.get().account().equals(p.account())) {
            throw ServiceException.notFound("no domain " + name);
        }
        return name;
    }

    /** The mailbox row if it is the principal's, deleted ones included; else not found. */
    MailboxRow own(Principal p, String address) {
        Addresses.Address a = ownAddress(address);
        Optional<DomainRow> d = mail.domain(a.domain());
        Optional<MailboxRow> r = mail.mailbox(a.toString());
        if (d.isEmpty() || !d.get().account().equals(p.account()) || r.isEmpty()) {
            throw ServiceException.notFound("no mailbox " + a);
        }
        return r.get();
    }

    /** Like {@link #own} but refuses a deleted mailbox. */
    MailboxRow live(Principal p, String address) {
        MailboxRow r = own(p, address);
        if (r.deletedAt() != null) {
            throw new ServiceException(ServiceException.Kind.CONFLICT, "mailbox-deleted", "mailbox " + r.email()
                    + " is deleted; restore it first");
        }
        return r;
    }

    private Mailbox view(MailboxRow r, boolean withUsage) {
        String state = r.deletedAt() != null ? Mailbox.DELETED : r.active() ? Mailbox.ACTIVE : Mailbox.DISABLED;
        Long used = null;
        String source = null;
        if (withUsage) {
            MailUsage.Usage u = stores.forDomain(r.domain()).usage(r);
            used = u.bytes();
            source = u.source();
        }
        Instant purge = r.deletedAt() == null ? null : r.deletedAt().plus(retention);
        return new Mailbox(r.email(), r.domain(), r.displayName(), r.quotaBytes(), used, source, state, r.createdAt(),
                r.deletedAt(), purge);
    }

    private char[] secret(String password, boolean generate, String email) {
        if (generate) {
            if (password != null) {
                throw ServiceException.invalid("give a password or ask for a generated one, not both");
            }
            return passwords.generate(email);
        }
        if (password == null || password.isEmpty()) {
            throw ServiceException.invalid("give a password, or ask for a generated one");
        }
        char[] secret = password.toCharArray();
        Optional<String> refusal = passwords.check(secret, email);
        if (refusal.isPresent()) {
            Arrays.fill(secret, '\0');
            throw new ServiceException(ServiceException.Kind.POLICY, "weak-password", "password refused: "
                    + refusal.get());
        }
        return secret;
    }

    private static long checkQuota(long q) {
        if (q < 0) {
            throw ServiceException.invalid("a quota cannot be negative");
        }
        return q;
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String refused = TenantText.refused(name, false);
        if (refused != null) {
            throw ServiceException.invalid("the display name must not contain " + refused);
        }
        if (name.length() > MAX_NAME) {
            throw ServiceException.invalid("the display name must be at most " + MAX_NAME + " characters");
        }
        return name.strip();
    }

    static String canonicalDomain(String domain) {
        try {
            return Addresses.domain(domain);
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid(e.getMessage());
        }
    }

    static Addresses.Address ownAddress(String address) {
        try {
            return Addresses.own(address);
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid(e.getMessage());
        }
    }

    /** For tests and tools: where maildirs live. */
    public Path mailRoot() {
        return usage.root();
    }
}
