package org.hostctl.server.sieve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hostctl.api.Addresses;
import org.hostctl.server.config.HostdConfig;

/** Which backend holds the scripts of a mail domain: the one listing the domain, else the default one. */
public final class SieveBackends {
    private final Map<String, SieveBackend> byName = new LinkedHashMap<>();
    private final Map<String, SieveBackend> byDomain = new LinkedHashMap<>();
    private final SieveBackend fallback;
    private volatile java.util.function.Function<String, java.util.Optional<String>> moves =
            d -> java.util.Optional.empty();

    /** Builds every configured backend; an inconsistent configuration is an error naming the setting. */
    public SieveBackends(HostdConfig.Sieve config, SieveBackendFactory factory) {
        SieveBackend embedded = factory.embedded();
        byName.put(HostdConfig.Sieve.EMBEDDED, embedded);
        for (HostdConfig.SieveBackendConfig b : config.backends()) {
            String where = "sieve.backends[" + b.name() + "]";
            if (b.name() == null || !b.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("sieve.backends: each backend needs a name of letters, digits,"
                        + " '.', '_' or '-'");
            }
            if (byName.containsKey(b.name())) {
                throw new IllegalArgumentException(where + ": the name is used twice (or is the reserved "
                        + HostdConfig.Sieve.EMBEDDED + ")");
            }
            if (b.host() == null || b.host().isBlank()) {
                throw new IllegalArgumentException(where + ".host is missing");
            }
            if (b.port() < 1 || b.port() > 65535) {
                throw new IllegalArgumentException(where + ".port must be 1-65535");
            }
            if (!Set.of("starttls", "none").contains(b.tls())) {
                throw new IllegalArgumentException(where + ".tls must be starttls or none");
            }
            if (b.timeoutSeconds() < 1) {
                throw new IllegalArgumentException(where + ".timeoutSeconds must be at least 1");
            }
            SieveBackend backend = factory.manageSieve(b);
            byName.put(b.name(), backend);
            for (String d : b.domains()) {
                String domain;
                try {
                    domain = Addresses.domain(d);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".domains: " + e.getMessage(), e);
                }
                if (byDomain.putIfAbsent(domain, backend) != null) {
                    throw new IllegalArgumentException(where + ".domains: " + domain + " is listed by two backends");
                }
            }
        }
        fallback = byName.get(config.defaultBackend());
        if (fallback == null) {
            throw new IllegalArgumentException("sieve.defaultBackend: no backend named " + config.defaultBackend()
                    + " (known: " + String.join(", ", byName.keySet()) + ")");
        }
    }

    /**
     * Makes {@link #forDomain} ask {@code movedTo} first: the mail backend a domain was moved to ({@code hostd
     * domain move}, kept in the store). Returns this.
     */
    public SieveBackends withMoves(java.util.function.Function<String, java.util.Optional<String>> movedTo) {
        this.moves = java.util.Objects.requireNonNull(movedTo);
        return this;
    }

    /**
     * The backend of a canonical (ASCII, lower-case) domain: that of the mail backend it was moved to, else the one
     * listing it, else the default one.
     */
    public SieveBackend forDomain(String domain) {
        java.util.Optional<String> moved = moves.apply(domain);
        if (moved.isPresent()) {
            return forBackend(moved.get());
        }
        return byDomain.getOrDefault(domain, fallback);
    }

    /** The ManageSieve backend of this name (a mail backend's), else the default one. */
    public SieveBackend forBackend(String name) {
        return byName.getOrDefault(name, fallback);
    }

    /** All backends by name, the embedded one first. */
    public List<SieveBackend> all() {
        return List.copyOf(byName.values());
    }
}
