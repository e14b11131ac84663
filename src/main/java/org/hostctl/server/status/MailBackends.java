package org.hostctl.server.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostctl.api.Addresses;
import org.hostctl.server.config.HostdConfig;

/**
 * The mail backends hostd knows, from {@code mail.backends} (IMAP, LMTP) and {@code sieve.backends} (ManageSieve):
 * entries of the same name are one backend. Knows which backend serves a domain.
 */
public final class MailBackends {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    /**
     * One backend and the services of it hostd probes.
     *
     * @param name its name
     * @param host IMAP/LMTP host (the ManageSieve host when only that is configured)
     * @param imapPort 0 when not probed
     * @param lmtpPort 0 when not probed
     * @param sieveHost ManageSieve host, null when the backend has no ManageSieve service configured
     * @param sievePort ManageSieve port
     * @param domains canonical domains it serves
     */
    public record Backend(String name, String host, int imapPort, int lmtpPort, String sieveHost, int sievePort,
            List<String> domains) {}

    private final Map<String, Backend> byName = new LinkedHashMap<>();
    private final Map<String, String> byDomain = new LinkedHashMap<>();
    private final HostdConfig.Sieve sieve;
    private volatile java.util.function.Function<String, Optional<String>> moves = d -> Optional.empty();

    /** Resolves the configuration; an inconsistent one is an error naming the setting. */
    public MailBackends(HostdConfig config) {
        Map<String, HostdConfig.MailBackendConfig> mail = new LinkedHashMap<>();
        for (HostdConfig.MailBackendConfig b : config.mail().backends()) {
            String where = "mail.backends[" + b.name() + "]";
            if (b.name() == null || !b.name().matches(NAME) || HostdConfig.Sieve.EMBEDDED.equals(b.name())) {
                throw new IllegalArgumentException("mail.backends: each backend needs a name of letters, digits,"
                        + " '.', '_' or '-' (not " + HostdConfig.Sieve.EMBEDDED + ")");
            }
            if (mail.putIfAbsent(b.name(), b) != null) {
                throw new IllegalArgumentException(where + ": the name is used twice");
            }
            if (b.host() == null || b.host().isBlank()) {
                throw new IllegalArgumentException(where + ".host is missing");
            }
            if (b.imapPort() < 0 || b.imapPort() > 65535 || b.lmtpPort() < 0 || b.lmtpPort() > 65535) {
                throw new IllegalArgumentException(where + ": imapPort and lmtpPort must be 0-65535");
            }
            if (b.pop3Port() < 1 || b.pop3Port() > 65535) {
                throw new IllegalArgumentException(where + ": pop3Port must be 1-65535");
            }
            if (b.transport() != null && !b.transport().matches("[a-z0-9-]{1,32}:[\\x21-\\x7e&&[^,{}]]{1,200}")) {
                throw new IllegalArgumentException(where + ".transport must be a Postfix transport such as"
                        + " lmtp:unix:/var/lib/cyrus-hostd/run/lmtp or lmtp:inet:10.0.0.12:24");
            }
            if (!List.of(HostdConfig.MailBackendConfig.DOVECOT, HostdConfig.MailBackendConfig.CYRUS).contains(b.kind())) {
                throw new IllegalArgumentException(where + ".kind must be " + HostdConfig.MailBackendConfig.DOVECOT
                        + " or " + HostdConfig.MailBackendConfig.CYRUS);
            }
        }
        List<HostdConfig.SieveBackendConfig> sieveBackends = new ArrayList<>();
        Map<String, HostdConfig.SieveBackendConfig> sieveByName = new LinkedHashMap<>();
        for (HostdConfig.SieveBackendConfig s : config.sieve().backends()) {
            HostdConfig.MailBackendConfig m = s.name() == null ? null : mail.get(s.name());
            HostdConfig.SieveBackendConfig resolved = s;
            if (m != null && s.domains().isEmpty()) {
                resolved = new HostdConfig.SieveBackendConfig(s.name(), s.host(), s.port(), s.tls(), s.caFile(),
                        s.masterUser(), s.masterPasswordFile(), s.timeoutSeconds(), m.domains());
            } else if (m != null && !canonical(s.domains(), "sieve.backends[" + s.name() + "]")
                    .equals(canonical(m.domains(), "mail.backends[" + m.name() + "]"))) {
                throw new IllegalArgumentException("sieve.backends[" + s.name() + "].domains differ from"
                        + " mail.backends[" + s.name() + "].domains; leave them out to take the mail backend's");
            }
            sieveBackends.add(resolved);
            if (s.name() != null) {
                sieveByName.putIfAbsent(s.name(), resolved);
            }
        }
        HostdConfig.Sieve sc = config.sieve();
        this.sieve = new HostdConfig.Sieve(sc.defaultBackend(), sieveBackends, sc.policy(), sc.sievec(),
                sc.sieveTest(), sc.toolTimeoutSeconds());
        for (HostdConfig.MailBackendConfig m : mail.values()) {
            HostdConfig.SieveBackendConfig s = sieveByName.get(m.name());
            add(new Backend(m.name(), m.host(), m.imapPort(), m.lmtpPort(), s == null ? null : s.host(),
                    s == null ? 0 : s.port(), canonical(m.domains(), "mail.backends[" + m.name() + "]")));
        }
        for (HostdConfig.SieveBackendConfig s : sieveByName.values()) {
            if (!mail.containsKey(s.name()) && s.host() != null && s.name().matches(NAME)) {
                add(new Backend(s.name(), s.host(), 0, 0, s.host(), s.port(),
                        canonical(s.domains(), "sieve.backends[" + s.name() + "]")));
            }
        }
    }

    private void add(Backend b) {
        byName.put(b.name(), b);
        for (String d : b.domains()) {
            String other = byDomain.putIfAbsent(d, b.name());
            if (other != null) {
                throw new IllegalArgumentException("mail.backends: " + d + " is listed by two backends, " + other
                        + " and " + b.name());
            }
        }
    }

    private static List<String> canonical(List<String> domains, String where) {
        List<String> out = new ArrayList<>();
        for (String d : domains) {
            try {
                out.add(Addresses.domain(d));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".domains: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** The sieve settings with each ManageSieve backend's domains filled in from its mail backend. */
    public HostdConfig.Sieve sieveConfig() {
        return sieve;
    }

    /** All backends, in configuration order. */
    public List<Backend> all() {
        return List.copyOf(byName.values());
    }

    public Optional<Backend> byName(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /**
     * Makes {@link #forDomain} ask {@code movedTo} first: the backend a domain was moved to ({@code hostd domain
     * move}, kept in the store), which wins over the configured lists. Returns this.
     */
    public MailBackends withMoves(java.util.function.Function<String, Optional<String>> movedTo) {
        this.moves = java.util.Objects.requireNonNull(movedTo);
        return this;
    }

    /** The backend serving a canonical domain: the one it was moved to, else the one listing it, if any. */
    public Optional<Backend> forDomain(String domain) {
        Optional<String> moved = moves.apply(domain);
        if (moved.isPresent()) {
            return byName(moved.get());
        }
        String name = byDomain.get(domain);
        return name == null ? Optional.empty() : Optional.of(byName.get(name));
    }

    /** The backend whose configured list names a canonical domain (hostd.yaml), ignoring moves. */
    public Optional<Backend> listing(String domain) {
        String name = byDomain.get(domain);
        return name == null ? Optional.empty() : Optional.of(byName.get(name));
    }
}
