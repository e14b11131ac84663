package org.hostctl.server.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hostctl.api.Addresses;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.mail.CyrusAdmin;
import org.hostctl.server.mail.MailUsage;
import org.hostctl.server.store.MailRouteRepository;
import org.hostctl.server.store.MailboxRow;

/**
 * Where each domain's mailboxes live and what hostd must do there beside its own tables. A Dovecot backend reads
 * hostd's tables itself, so only the maildir under {@code mail.root} is hostd's to read and, at the end, remove; a
 * Cyrus backend has its own mailbox list, quotas and ACLs, which hostd keeps in step through {@link CyrusAdmin}.
 */
public final class MailStores {

    /** The mailbox store of one backend. */
    public interface Store {
        /** The new mailbox exists in hostd's table; make it exist where its mail lives. */
        void create(MailboxRow r);

        void quota(MailboxRow r, long quotaBytes);

        /** Opens (active, not deleted) or closes a mailbox to its owner. */
        void access(MailboxRow r, boolean open);

        MailUsage.Usage usage(MailboxRow r);

        /** Removes the mailbox and its mail for good. */
        void purge(MailboxRow r);
    }

    private static final Pattern LOOPBACK = Pattern.compile("localhost|::1|\\[::1]|127(\\.\\d{1,3}){3}");

    private final Store maildirs;
    private final Map<String, Store> byDomain;
    private final Map<String, Store> byBackend;
    private volatile java.util.function.Function<String, java.util.Optional<String>> moves =
            d -> java.util.Optional.empty();

    /**
     * @param maildirs the store of domains that no Cyrus backend serves
     * @param byDomain canonical domain to the store of its Cyrus backend
     */
    public MailStores(MailUsage maildirs, Map<String, Store> byDomain) {
        this(maildirs, byDomain, Map.of());
    }

    private MailStores(MailUsage maildirs, Map<String, Store> byDomain, Map<String, Store> byBackend) {
        this.maildirs = new MaildirStore(maildirs);
        this.byDomain = Map.copyOf(byDomain);
        this.byBackend = Map.copyOf(byBackend);
    }

    /**
     * Makes {@link #forDomain} ask {@code movedTo} first: the backend a domain was moved to ({@code hostd domain
     * move}, kept in the store), which wins over hostd.yaml's lists. Returns this.
     */
    public MailStores withMoves(java.util.function.Function<String, java.util.Optional<String>> movedTo) {
        this.moves = java.util.Objects.requireNonNull(movedTo);
        return this;
    }

    /**
     * The stores of {@code mail.backends}: a Cyrus store for each domain of a backend of kind {@code cyrus}, whose
     * admin password file is read now (relative to the data directory); a bad entry is an error naming it.
     */
    public static MailStores of(List<HostdConfig.MailBackendConfig> backends, Path dataDir, MailUsage maildirs,
            Duration timeout) {
        Map<String, Store> byDomain = new HashMap<>();
        Map<String, Store> byBackend = new HashMap<>();
        for (HostdConfig.MailBackendConfig b : backends) {
            if (!HostdConfig.MailBackendConfig.CYRUS.equals(b.kind())) {
                continue;
            }
            String where = "mail.backends[" + b.name() + "]";
            if (!LOOPBACK.matcher(b.host()).matches()) {
                throw new IllegalArgumentException(where + ": hostd administers a Cyrus backend over IMAP without"
                        + " TLS, so only on this host (127.0.0.1, ::1 or localhost), not " + b.host());
            }
            if (b.adminPasswordFile() == null || b.adminPasswordFile().isBlank()) {
                throw new IllegalArgumentException(where + ".adminPasswordFile is required for kind cyrus");
            }
            Path file = dataDir.resolve(b.adminPasswordFile());
            char[] password;
            try {
                password = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip()
                        .toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": cannot read adminPasswordFile " + file + " ("
                        + e.getClass().getSimpleName() + ")", e);
            }
            if (password.length == 0) {
                throw new IllegalArgumentException(where + ": adminPasswordFile " + file + " is empty");
            }
            CyrusStore store;
            try {
                store = new CyrusStore(b.name(), new CyrusAdmin(b.name(), b.host(), b.imapPort() == 0 ? 143
                        : b.imapPort(), b.adminUser(), password, timeout));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            } finally {
                Arrays.fill(password, '\0');
            }
            byBackend.put(b.name(), store);
            for (String d : b.domains()) {
                byDomain.put(Addresses.domain(d), store);
            }
        }
        return new MailStores(maildirs, byDomain, byBackend);
    }

    /** The {@code mail_route} rows of {@code mail.backends}: each domain with its backend as a proxy reaches it. */
    public static List<MailRouteRepository.Route> routes(List<HostdConfig.MailBackendConfig> backends) {
        return routes(backends, Map.of());
    }

    /**
     * The {@code mail_route} rows of {@code mail.backends} with the moved domains ({@code domain.backend}) on the
     * backend they were moved to; a move to a backend hostd.yaml no longer has is an error naming both.
     */
    public static List<MailRouteRepository.Route> routes(List<HostdConfig.MailBackendConfig> backends,
            Map<String, String> moved) {
        Map<String, MailRouteRepository.Route> out = new java.util.LinkedHashMap<>();
        Map<String, HostdConfig.MailBackendConfig> byName = new HashMap<>();
        for (HostdConfig.MailBackendConfig b : backends) {
            byName.putIfAbsent(b.name(), b);
            for (String d : b.domains()) {
                String domain = Addresses.domain(d);
                out.put(domain, route(domain, b));
            }
        }
        moved.forEach((domain, backend) -> {
            HostdConfig.MailBackendConfig b = byName.get(backend);
            if (b == null) {
                throw new IllegalArgumentException("domain " + domain + " was moved to mail backend " + backend
                        + " (hostd domain move), which mail.backends no longer has: add it back, or move the"
                        + " domain first");
            }
            out.remove(domain);
            out.put(domain, route(domain, b));
        });
        return List.copyOf(out.values());
    }

    /** The {@code mail_route} row of a domain on backend {@code b}. */
    public static MailRouteRepository.Route route(String domain, HostdConfig.MailBackendConfig b) {
        return new MailRouteRepository.Route(domain, b.name(), b.kind(), b.host(),
                b.imapPort() == 0 ? 143 : b.imapPort(), b.pop3Port(), b.postfixTransport());
    }

    /** The store of the backend holding a canonical domain: the one it was moved to, else hostd.yaml's. */
    public Store forDomain(String domain) {
        java.util.Optional<String> moved = moves.apply(domain);
        if (moved.isPresent()) {
            return forBackend(moved.get());
        }
        return byDomain.getOrDefault(domain, maildirs);
    }

    /** The store of a backend by name: its Cyrus store, else the maildirs under mail.root (a Dovecot backend). */
    public Store forBackend(String backend) {
        return byBackend.getOrDefault(backend, maildirs);
    }

    /** Dovecot reading hostd's tables: nothing to do but read and remove the maildir. */
    private record MaildirStore(MailUsage usage) implements Store {
        @Override
        public void create(MailboxRow r) {}

        @Override
        public void quota(MailboxRow r, long quotaBytes) {}

        @Override
        public void access(MailboxRow r, boolean open) {}

        @Override
        public MailUsage.Usage usage(MailboxRow r) {
            return usage.usage(r.maildir());
        }

        @Override
        public void purge(MailboxRow r) {
            usage.removeMaildir(r.maildir());
        }
    }

    /** A Cyrus IMAP backend administered as its admin user. */
    public record CyrusStore(String backend, CyrusAdmin admin) implements Store {
        /** {@code usageSource} of a mailbox on Cyrus. */
        public static final String SOURCE = "cyrus";

        @Override
        public void create(MailboxRow r) {
            run(r, () -> admin.create(r.email(), r.quotaBytes()));
        }

        @Override
        public void quota(MailboxRow r, long quotaBytes) {
            run(r, () -> admin.setQuota(r.email(), quotaBytes));
        }

        @Override
        public void access(MailboxRow r, boolean open) {
            run(r, () -> admin.setOpen(r.email(), open));
        }

        @Override
        public MailUsage.Usage usage(MailboxRow r) {
            try {
                return new MailUsage.Usage(admin.usageBytes(r.email()), SOURCE);
            } catch (CyrusAdmin.Unavailable | CyrusAdmin.Refused e) {
                return new MailUsage.Usage(null, SOURCE);
            }
        }

        @Override
        public void purge(MailboxRow r) {
            admin.delete(r.email());
        }

        private void run(MailboxRow r, Runnable action) {
            try {
                action.run();
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalid(e.getMessage() + " (mail backend " + backend + ")");
            } catch (CyrusAdmin.Unavailable | CyrusAdmin.Refused e) {
                throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "backend-unavailable", "mail backend "
                        + backend + " of " + r.domain() + " failed: " + e.getMessage()
                        + "; nothing was changed, try again when it is back");
            }
        }
    }
}
