package org.hostctl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** hostctl's version, from the build. */
public final class Version {
    private static String version;

    private Version() {}

    public static synchronized String get() {
        if (version == null) {
            Properties p = new Properties();
            try (InputStream in = Version.class.getResourceAsStream("/org/hostctl/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // fall through to "dev"
            }
            version = p.getProperty("version", "dev");
        }
        return version;
    }
}
