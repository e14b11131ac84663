package org.hostctl.server.service;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hostctl.api.Addresses;
import org.hostctl.api.Alias;
import org.hostctl.server.store.DomainRow;
import org.hostctl.server.store.MailRepository;

/** Aliases (forwarders): sources only in the account's own domains; loops refused. */
public final class AliasService {
    /** Most destinations one alias may have. */
    static final int MAX_DESTINATIONS = 50;

    private final MailRepository mail;
    private final MailboxService mailboxes;
    private final Clock clock;

    public AliasService(MailRepository mail, MailboxService mailboxes, Clock clock) {
        this.mail = mail;
        this.mailboxes = mailboxes;
        this.clock = clock;
    }

    public List<Alias> list(Principal p, String domain) {
        List<String> domains = domain == null || domain.isBlank()
                ? mail.domains(p.account()).stream().map(DomainRow::name).toList()
                : List.of(mailboxes.ownDomain(p, domain));
        List<Alias> out = new ArrayList<>();
        mail.aliases(domains).forEach((source, dests) -> out.add(new Alias(source, List.copyOf(dests))));
        return out;
    }

    public Alias show(Principal p, String source) {
        Addresses.Address a = MailboxService.ownAddress(source);
        String domain = mailboxes.ownDomain(p, a.domain());
        List<String> dests = mail.aliases(List.of(domain)).get(a.toString());
        if (dests == null) {
            throw ServiceException.notFound("no alias " + a);
        }
        return new Alias(a.toString(), List.copyOf(dests));
    }

    /** Adds destinations; the ones already there are kept, so adding twice changes nothing. */
    public Alias add(Principal p, String source, List<String> destinations) {
        Addresses.Address a = MailboxService.ownAddress(source);
        String domain = mailboxes.ownDomain(p, a.domain());
        String src = a.toString();
        if (destinations == null || destinations.isEmpty()) {
            throw ServiceException.invalid("give at least one destination");
        }
        Set<String> dests = new LinkedHashSet<>();
        for (String d : destinations) {
            try {
                dests.add(Addresses.any(d).toString());
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalid(e.getMessage());
            }
        }
        if (mail.mailbox(src).filter(m -> m.deletedAt() == null).isPresent() && !dests.contains(src)) {
            throw ServiceException.conflict(src + " is a mailbox; an alias would take its mail away (add " + src
                    + " itself as a destination to keep a copy)");
        }
        Map<String, List<String>> all = mail.allAliases();
        List<String> existing = all.getOrDefault(src, List.of());
        Set<String> merged = new LinkedHashSet<>(existing);
        merged.addAll(dests);
        if (merged.size() > MAX_DESTINATIONS) {
            throw new ServiceException(ServiceException.Kind.POLICY, "too-many-destinations", "an alias may have at"
                    + " most " + MAX_DESTINATIONS + " destinations");
        }
        List<String> loop = loopPath(src, dests, all);
        if (loop != null) {
            Set<String> own = new HashSet<>(mail.domains(p.account()).stream().map(DomainRow::name).toList());
            throw new ServiceException(ServiceException.Kind.CONFLICT, "alias-loop", "refused: mail would loop ("
                    + shown(loop, own) + ")");
        }
        List<String> toAdd = dests.stream().filter(d -> !existing.contains(d)).toList();
        if (!toAdd.isEmpty()) {
            mail.addAlias(src, domain, toAdd, clock.instant());
        }
        return show(p, src);
    }

    /** Removes destinations, or the whole alias when none are named. */
    public void remove(Principal p, String source, List<String> destinations) {
        Alias current = show(p, source);
        List<String> dests = new ArrayList<>();
        for (String d : destinations == null ? List.<String>of() : destinations) {
            try {
                dests.add(Addresses.any(d).toString());
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalid(e.getMessage());
            }
        }
        for (String d : dests) {
            if (!current.destinations().contains(d)) {
                throw ServiceException.notFound("alias " + current.source() + " has no destination " + d);
            }
        }
        mail.removeAlias(current.source(), dests);
    }

    /** A path that comes back to {@code source}, or null; a self-reference only keeps a copy and is no loop. */
    static String loop(String source, Set<String> newDests, Map<String, List<String>> all) {
        List<String> path = loopPath(source, newDests, all);
        return path == null ? null : String.join(" -> ", path);
    }

    /**
     * {@code path} as the account may see it: its own addresses named, each run of other accounts' or outside
     * addresses as one {@code [outside your account]}, never their names.
     */
    static String shown(List<String> path, Set<String> ownDomains) {
        List<String> shown = new ArrayList<>();
        boolean outside = false;
        for (String address : path) {
            String domain = address.substring(address.lastIndexOf('@') + 1);
            if (ownDomains.contains(domain)) {
                shown.add(address);
            } else if (shown.isEmpty() || !shown.get(shown.size() - 1).equals(OUTSIDE)) {
                shown.add(OUTSIDE);
                outside = true;
            }
        }
        return String.join(" -> ", shown) + (outside ? "; the loop passes through addresses outside your account"
                : "");
    }

    private static final String OUTSIDE = "[outside your account]";

    /** {@link #loop} as the list of addresses. */
    static List<String> loopPath(String source, Set<String> newDests, Map<String, List<String>> all) {
        Deque<List<String>> todo = new ArrayDeque<>();
        for (String d : newDests) {
            if (!d.equals(source)) {
                todo.add(List.of(source, d));
            }
        }
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            List<String> path = todo.poll();
            String last = path.get(path.size() - 1);
            if (last.equals(source)) {
                return path;
            }
            if (!seen.add(last)) {
                continue;
            }
            for (String next : all.getOrDefault(last, List.of())) {
                if (!next.equals(last)) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    todo.add(longer);
                }
            }
        }
        return null;
    }
}
