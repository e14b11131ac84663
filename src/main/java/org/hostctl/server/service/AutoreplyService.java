package org.hostctl.server.service;

import java.time.Clock;
import org.hostctl.api.Autoreply;
import org.hostctl.server.sieve.VacationScript;
import org.hostctl.server.sieve.policy.SievePolicyException;
import org.hostctl.server.store.AutoreplyRow;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailboxRow;
import org.hostctl.server.text.TenantText;

/**
 * Autoresponders of mailboxes: subject, text, optional dates, minimum days between replies to one sender. Each is
 * kept in the {@code autoreply} table and written out as a Sieve {@code vacation} rule in the mailbox home
 * ({@link VacationScript}), which Dovecot runs before the customer's own active script.
 */
public final class AutoreplyService {
    static final int MAX_SUBJECT = 200;
    static final int MAX_BODY = 16 * 1024;
    static final int MAX_INTERVAL_DAYS = 365;

    private final MailRepository mail;
    private final MailboxService mailboxes;
    private final VacationScript vacation;
    private final Clock clock;

    public AutoreplyService(MailRepository mail, MailboxService mailboxes, VacationScript vacation, Clock clock) {
        this.mail = mail;
        this.mailboxes = mailboxes;
        this.vacation = vacation;
        this.clock = clock;
    }

    public Autoreply show(Principal p, String address) {
        MailboxRow m = mailboxes.own(p, address);
        return mail.autoreply(m.email()).map(r -> new Autoreply(m.email(), true, r.subject(), r.body(), r.startDate(),
                r.endDate(), r.intervalDays())).orElse(new Autoreply(m.email(), false, null, null, null, null, null));
    }

    public Autoreply set(Principal p, String address, Autoreply req) {
        MailboxRow m = mailboxes.live(p, address);
        mailboxes.requireAutoreplies(m);
        mailboxes.requireBackend(m);
        String subject = req.subject() == null ? "" : req.subject().strip();
        String refused = TenantText.refused(subject, false);
        if (refused != null) {
            throw ServiceException.invalid("the subject must not contain " + refused);
        }
        refused = TenantText.refused(req.body() == null ? null : req.body().replace("\r\n", "\n"), true);
        if (refused != null) {
            throw ServiceException.invalid("the text must not contain " + refused);
        }
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT || subject.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ServiceException.invalid("the subject must be 1-" + MAX_SUBJECT + " characters on one line");
        }
        String body = req.body() == null ? "" : req.body().replace("\r\n", "\n");
        if (body.isBlank() || body.length() > MAX_BODY
                || body.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
            throw ServiceException.invalid("the text must be 1-" + MAX_BODY + " characters without control characters");
        }
        int interval = req.intervalDays() == null ? 1 : req.intervalDays();
        if (interval < 1 || interval > MAX_INTERVAL_DAYS) {
            throw new ServiceException(ServiceException.Kind.POLICY, "autoreply-interval", "the interval between"
                    + " replies to one sender must be 1-" + MAX_INTERVAL_DAYS + " days");
        }
        if (req.startDate() != null && req.endDate() != null && req.endDate().isBefore(req.startDate())) {
            throw ServiceException.invalid("the end date " + req.endDate() + " is before the start date "
                    + req.startDate());
        }
        String script;
        try {
            script = vacation.prepare(m.email(), subject, body, req.startDate(), req.endDate(), interval);
        } catch (SievePolicyException e) {
            throw new ServiceException(ServiceException.Kind.POLICY, e.code(), "the autoresponder's "
                    + e.getMessage().replaceFirst("^line \\d+: ", ""));
        }
        mail.setAutoreply(new AutoreplyRow(m.email(), subject, body, req.startDate(), req.endDate(), interval,
                clock.instant()));
        vacation.write(m.email(), script);
        return show(p, m.email());
    }

    /** Turns the autoresponder off; off twice changes nothing. */
    public Autoreply off(Principal p, String address) {
        MailboxRow m = mailboxes.own(p, address);
        mailboxes.requireBackend(m);
        mail.removeAutoreply(m.email());
        vacation.remove(m.email());
        return show(p, m.email());
    }
}
