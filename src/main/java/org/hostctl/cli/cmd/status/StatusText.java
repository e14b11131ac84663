package org.hostctl.cli.cmd.status;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hostctl.api.Notice;
import org.hostctl.api.ServiceState;
import org.hostctl.cli.output.Output;
import org.hostctl.cli.output.Printable;
import org.hostctl.cli.output.Tone;

/** Times, notices and the one-line summary of the status commands. */
final class StatusText {
    static final String OK = "ok";
    static final String DEGRADED = "degraded";
    static final String DOWN = "down";
    static final String UNKNOWN = "unknown";

    private StatusText() {}

    /** {@code 12 min ago} when {@code relative}, else the instant in ISO-8601 UTC to the second. */
    static String when(Instant t, Instant now, boolean relative) {
        if (t == null) {
            return "";
        }
        if (!relative) {
            return t.truncatedTo(ChronoUnit.SECONDS).toString();
        }
        if (t.isAfter(now)) {
            return "just now";
        }
        return duration(t, now) + " ago";
    }

    /** {@code 45 s}, {@code 12 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    static String duration(Instant from, Instant to) {
        long s = Math.max(0, Duration.between(from, to).getSeconds());
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        long h = m / 60;
        if (h < 24) {
            return m % 60 == 0 ? h + " h" : h + " h " + m % 60 + " min";
        }
        long d = h / 24;
        return h % 24 == 0 ? d + " d" : d + " d " + h % 24 + " h";
    }

    /**
     * Each notice as {@code #ID [service/backend] title (posted ..., updated ...)} with its body below, indented; server text
     * is made printable.
     */
    static void notices(PrintWriter w, Output out, List<Notice> notices, Instant now, boolean relative) {
        for (Notice n : notices) {
            String where = Printable.of(n.service()) + (n.backend() == null ? "" : "/" + Printable.of(n.backend()));
            String times = "posted " + when(n.createdAt(), now, relative)
                    + (n.updatedAt() == null ? "" : ", updated " + when(n.updatedAt(), now, relative))
                    + (n.resolvedAt() == null ? "" : ", resolved " + when(n.resolvedAt(), now, relative));
            out.tone(w, "#" + n.id(), n.resolvedAt() == null ? Tone.WARN : Tone.FAINT);
            w.println(" [" + where + "] " + Printable.of(n.title()) + " (" + times + ")");
            for (String line : bodyLines(n.body())) {
                w.println(line.isEmpty() ? "" : "    " + line);
            }
        }
        w.flush();
    }

    /** The body's lines, tabs expanded and control characters escaped; no trailing blank lines. */
    static List<String> bodyLines(String body) {
        List<String> lines = new ArrayList<>();
        if (body == null) {
            return lines;
        }
        for (String line : body.replace("\r\n", "\n").split("\n", -1)) {
            lines.add(Printable.of(line.replace("\t", "    ")).stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Whether a service in this state makes the exit code 6: down, or with {@code strict} anything not ok. */
    static boolean failing(String state, boolean strict) {
        return DOWN.equals(state) || strict && !OK.equals(state);
    }

    /**
     * {@code 2 services down: imap, lmtp on a.example (mx-a)}: the failing services grouped by domain and backend,
     * made printable.
     */
    static String summary(List<ServiceState> failing) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of(DOWN, DEGRADED, UNKNOWN)) {
            int n = (int) failing.stream().filter(f -> s.equals(f.state())).count();
            if (n > 0) {
                counts.put(s, n);
            }
        }
        int other = failing.size() - counts.values().stream().mapToInt(Integer::intValue).sum();
        if (other > 0) {
            counts.put("not ok", other);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((state, n) -> parts.add(parts.isEmpty() ? n + (n == 1 ? " service " : " services ") + state
                : n + " " + state));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (ServiceState f : failing) {
            String where = (f.domain() == null ? "" : " on " + f.domain())
                    + (f.backend() == null ? "" : " (" + f.backend() + ")");
            groups.computeIfAbsent(where, k -> new ArrayList<>()).add(f.service());
        }
        List<String> where = new ArrayList<>();
        groups.forEach((w, services) -> where.add(String.join(", ", services) + w));
        return Printable.of(String.join(", ", parts) + ": " + String.join("; ", where));
    }
}
