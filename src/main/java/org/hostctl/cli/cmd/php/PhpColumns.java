package org.hostctl.cli.cmd.php;

import java.util.List;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.api.PhpVersion;
import org.hostctl.cli.output.Column;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Tone;

/** Table and CSV columns of the php commands, declared once. */
final class PhpColumns {
    private PhpColumns() {}

    static List<Column<PhpVersion>> versions(Output out) {
        return List.of(
                Column.of("VERSION", PhpVersion::version),
                Column.of("BRANCH", PhpVersion::branch),
                Column.of("TYPE", PhpVersion::type),
                Column.of("DEFAULT", v -> v.isDefault() ? "yes" : ""),
                Column.toned("STATE", PhpVersion::state, v -> "installed".equals(v.state()) ? null : Tone.BAD),
                Column.toned("END OF LIFE", v -> v.endOfLife() ? "yes" : "no", v -> v.endOfLife() ? Tone.BAD : null),
                Column.of("SECURITY UNTIL", v -> str(v.securitySupportUntil())),
                Column.of("HANDLER", PhpVersion::handler));
    }

    static List<Column<PhpSetting>> settings(Output out) {
        return List.of(
                Column.of("PATH", s -> display(s.path())),
                Column.toned("VERSION", s -> s.version() == null ? "unknown" : s.version(),
                        s -> s.version() == null ? Tone.BAD : null),
                Column.of("SOURCE", PhpColumns::source),
                Column.toned("END OF LIFE", s -> s.endOfLife() ? "yes" : "no", s -> s.endOfLife() ? Tone.BAD : null),
                Column.of("SECURITY UNTIL", s -> str(s.securitySupportUntil())),
                Column.of("PROBLEMS", s -> String.join("; ", s.problems())));
    }

    static List<Column<PhpChange>> changes(Output out) {
        return List.of(
                Column.of("PATH", c -> display(c.path())),
                Column.of("BEFORE", c -> c.before() == null ? "" : nz(c.before().version())),
                Column.of("AFTER", c -> c.after() == null ? "" : nz(c.after().version())),
                Column.of("SOURCE", c -> c.after() == null ? "" : source(c.after())),
                Column.of("RESULT", c -> c.changed() ? (c.dryRun() ? "would change" : "changed") : "unchanged"));
    }

    static List<Column<PhpVerification>> verifications(Output out) {
        return List.of(
                Column.of("PATH", v -> display(v.path())),
                Column.of("EXPECTED", PhpVerification::expectedVersion),
                Column.of("PHP", v -> nz(v.phpVersion())),
                Column.of("SAPI", v -> nz(v.sapi())),
                Column.of("HANDLER", v -> nz(v.handler())),
                Column.toned("RESULT", v -> v.matches() ? "ok" : "MISMATCH", v -> v.matches() ? null : Tone.BAD),
                Column.of("DETAIL", PhpVerification::detail));
    }

    static List<Column<org.hostctl.api.PhpFinding>> findings(Output out) {
        return List.of(
                Column.of("FILE", org.hostctl.api.PhpFinding::file),
                Column.of("LINE", f -> String.valueOf(f.line())),
                Column.toned("LEVEL", org.hostctl.api.PhpFinding::level,
                        f -> org.hostctl.api.PhpFinding.BREAKS.equals(f.level()) ? Tone.BAD : null),
                Column.of("FINDING", f -> f.name() != null ? f.name() : f.kind()),
                Column.of("REMOVED IN", org.hostctl.api.PhpFinding::removedIn),
                Column.of("REPLACEMENT", f -> nz(f.replacement())),
                Column.of("DETAIL", f -> f.guard() != null ? f.guard() : f.message()));
    }

    static String source(PhpSetting s) {
        if (s.source() == null) {
            return "";
        }
        return switch (s.source()) {
            case PhpSetting.INHERITED -> "inherited from " + display(s.inheritedFrom());
            case PhpSetting.DEFAULT -> "account default";
            default -> "this directory";
        };
    }

    static String display(String path) {
        return path == null || path.isEmpty() ? "." : path;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
