package org.hostctl.cli.cmd.php;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.hostctl.api.Me;
import org.hostctl.cli.HostctlException;

/**
 * Maps PATH arguments to paths relative to the webspace root. Plain relative paths are taken as they are; on the
 * hosting server, {@code .}, {@code ./x}, {@code ../x}, {@code ~/x} and absolute paths are resolved and must lie
 * inside the webspace.
 */
final class PathArgs {
    private PathArgs() {}

    static List<String> map(List<String> args, Path cwd, String home, Supplier<Me> me) {
        List<String> out = new ArrayList<>();
        Path webspace = null;
        for (String arg : args) {
            if (!isLocal(arg)) {
                out.add(stripSlashes(arg));
                continue;
            }
            if (webspace == null) {
                webspace = Path.of(me.get().webspace()).normalize();
                if (!Files.isDirectory(webspace)) {
                    throw HostctlException.usage(arg + " is a local path, but your webspace " + webspace
                            + " is not on this machine; give the path relative to the webspace root");
                }
            }
            Path p;
            if (arg.equals("~") || arg.startsWith("~/")) {
                if (home == null) {
                    throw HostctlException.usage("cannot expand " + arg + ": HOME is not set");
                }
                p = Path.of(home).resolve(arg.equals("~") ? "" : arg.substring(2));
            } else {
                p = cwd.resolve(arg);
            }
            p = p.toAbsolutePath().normalize();
            Path real = realOrSelf(webspace);
            Path rp = realOrSelf(p);
            Path rel;
            if (p.startsWith(webspace)) {
                rel = webspace.relativize(p);
            } else if (rp.startsWith(real)) {
                rel = real.relativize(rp);
            } else {
                throw HostctlException.usage(arg + " is outside your webspace " + webspace);
            }
            out.add(rel.toString());
        }
        return out;
    }

    private static boolean isLocal(String arg) {
        return arg.equals(".") || arg.equals("..") || arg.startsWith("./") || arg.startsWith("../")
                || arg.equals("~") || arg.startsWith("~/") || arg.startsWith("/");
    }

    private static String stripSlashes(String arg) {
        String s = arg;
        while (s.endsWith("/") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p;
        }
    }
}
