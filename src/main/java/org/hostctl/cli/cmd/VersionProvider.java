package org.hostctl.cli.cmd;

import org.hostctl.cli.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code hostctl --version}. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"hostctl " + Version.get()};
    }
}
