package org.hostctl.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.hostctl.server.admin.HostdCommand;

/** Runs hostd's administration command line in-process on a data directory, as the provider runs it. */
public final class HostdAdmin {
    private HostdAdmin() {}

    /** {@code hostd ARGS} with {@code HOSTD_DATA=data}. */
    public static HostctlRun run(Path data, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = HostdCommand.build(Map.of("HOSTD_DATA", data.toString()), new PrintWriter(out, true),
                new PrintWriter(err, true)).execute(args);
        return new HostctlRun(code, out.toString(), err.toString());
    }
}
