package org.hostctl.server.sieve;

import java.util.function.Function;
import org.hostctl.server.config.HostdConfig;

/** Builds the Sieve backends the configuration names: the embedded one and ManageSieve servers. */
public interface SieveBackendFactory {
    /** The backend keeping scripts in Dovecot's on-disk layout under {@code mail.root}. */
    SieveBackend embedded();

    /** A backend for one configured ManageSieve server ({@code sieve.backends[]}). */
    SieveBackend manageSieve(HostdConfig.SieveBackendConfig config);

    /** A factory with the embedded backend and a function building ManageSieve backends from their settings. */
    static SieveBackendFactory of(SieveBackend embedded,
            Function<HostdConfig.SieveBackendConfig, SieveBackend> manageSieve) {
        return new SieveBackendFactory() {
            @Override
            public SieveBackend embedded() {
                return embedded;
            }

            @Override
            public SieveBackend manageSieve(HostdConfig.SieveBackendConfig config) {
                return manageSieve.apply(config);
            }
        };
    }
}
