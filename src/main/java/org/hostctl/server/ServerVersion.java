package org.hostctl.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** hostd's version, from the build. */
public final class ServerVersion {
    private ServerVersion() {}

    public static String get() {
        Properties p = new Properties();
        try (InputStream in = ServerVersion.class.getResourceAsStream("/org/hostctl/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall through
        }
        return p.getProperty("version", "dev");
    }
}
