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

    /**
     * @param maildirs the store of domains that no Cyrus backend serves
     * @param byDomain canonical domain to the store of its Cyrus backend
     */
    public MailStores(MailUsage maildirs, Map<String, Store> byDomain) {
        this.maildirs = new MaildirStore(maildirs);
        this.byDomain = Map.copyOf(byDomain);
    }

    /**
     * The stores of {@code mail.backends}: a Cyrus store for each domain of a backend of kind {@code cyrus}, whose
     * admin password file is read now (relative to the data directory); a bad entry is an error naming it.
     */
    public static MailStores of(List<HostdConfig.MailBackendConfig> backends, Path dataDir, MailUsage maildirs,
            Duration timeout) {
        Map<String, Store> byDomain = new HashMap<>();
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
            for (String d : b.domains()) {
                byDomain.put(Addresses.domain(d), store);
            }
        }
        return new MailStores(maildirs, byDomain);
    }

    /** The {@code mail_route} rows of {@code mail.backends}: each domain with its backend as a proxy reaches it. */
    public static List<MailRouteRepository.Route> routes(List<HostdConfig.MailBackendConfig> backends) {
        List<MailRouteRepository.Route> out = new java.util.ArrayList<>();
        for (HostdConfig.MailBackendConfig b : backends) {
            for (String d : b.domains()) {
                out.add(new MailRouteRepository.Route(Addresses.domain(d), b.name(), b.kind(), b.host(),
                        b.imapPort() == 0 ? 143 : b.imapPort(), b.pop3Port()));
            }
        }
        return out;
    }

    public Store forDomain(String domain) {
        return byDomain.getOrDefault(domain, maildirs);
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
