package org.hostctl.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Pigeonhole's sievec and sieve-test: tests needing them fail under CI=true when missing and are skipped otherwise. */
public final class SieveToolsRequired {
    private SieveToolsRequired() {}

    /** Aborts (or, on CI, fails) the calling test unless sievec and sieve-test are installed. */
    public static void check() {
        for (String tool : new String[] {"sievec", "sieve-test"}) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
                String message = tool + " is not installed (Debian: dovecot-sieve; .ci/install-packages installs it)";
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
        }
    }
}
