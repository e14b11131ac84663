package org.hostctl.server.maillog;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Splits one log line into header and Postfix payload (../shared/reference/postfix-logs.md §4, §6).
 *
 * <p>Accepted headers: classic syslog and {@code maillog_file} ({@code Nov 28 10:00:01}, day space- or
 * zero-padded, optional fraction), RFC 3339 ({@code 2026-11-28T10:00:01.123456+01:00}), an RFC 3339 stamp
 * prepended to a classic line (the outer stamp wins), and logstash/filebeat JSON with a {@code "message"} field.
 * Year-less stamps get the latest year that does not put them more than a day after the reference clock, so a
 * file read in January keeps its December lines in the previous year. Never throws; work per line is linear
 * in its length, and lines longer than {@link #MAX_LINE} characters are cut before parsing.
 */
public final class LineParser {
    /** Longest line looked at; Postfix itself caps the text at 2000 characters. */
    public static final int MAX_LINE = 16 * 1024;

    /**
     * One Postfix line.
     *
     * @param time when it was logged
     * @param host the logging host
     * @param program the whole program name, e.g. {@code postfix/submission/smtpd}
     * @param daemon the last component of {@code program}, e.g. {@code smtpd}
     * @param pid the process ID
     * @param severity {@code warning}, {@code error}, {@code fatal}, {@code panic}, or null for info lines
     * @param queueId the queue ID, {@code NOQUEUE}, or null when the text has none
     * @param text the payload after the queue ID and its {@code ": "} (or after the severity when there is no ID)
     */
    public record Line(Instant time, String host, String program, String daemon, int pid, String severity,
            String queueId, String text) {}

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private final ZoneId zone;
    private final Clock clock;
    // cache: the last classic stamp (first 15 characters) and its instant
    private String lastStamp;
    private Instant lastStampInstant;
    private long lastRefSecond = Long.MIN_VALUE;
    private LocalDateTime lastRef;
    /** When set, the host of every line instead of the one logged. */
    private String hostOverride;

    /**
     * @param zone the zone of year-less stamps (the log host's local time)
     * @param clock the reference for the year of year-less stamps: file modification time or ingestion time
     */
    public LineParser(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * Takes {@code host} as the host of every line instead of the logged one (blank: the logged one), for a mail
     * host whose syslog or {@code myhostname} names it ambiguously among several writing into one store.
     */
    public void overrideHost(String host) {
        this.hostOverride = host == null || host.isBlank() ? null : host.strip();
    }

    /** A parser whose year-less stamps are in {@code zone} and lie before {@code reference}. */
    public static LineParser at(ZoneId zone, Instant reference) {
        return new LineParser(zone, Clock.fixed(reference, zone));
    }

    /** The Postfix fields of {@code raw}, or empty for blank, foreign, comment and malformed lines. */
    public Optional<Line> parse(String raw) {
        try {
            return Optional.ofNullable(parseOrNull(raw));
        } catch (RuntimeException e) { // defensive: a parser bug must not stop ingestion
            return Optional.empty();
        }
    }

    Line parseOrNull(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String s = raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) : raw;
        if (s.charAt(0) == '{') {
            String inner = jsonMessage(s);
            return inner == null ? null : parseOrNull(inner);
        }
        int pos;
        Instant time;
        if (s.length() > 20 && isDigit(s.charAt(0)) && s.charAt(4) == '-' && s.charAt(10) == 'T') {
            int sp = s.indexOf(' ');
            if (sp < 0) {
                return null;
            }
            time = rfc3339(s.substring(0, sp));
            if (time == null) {
                return null;
            }
            pos = skipSpaces(s, sp);
            int after = classicStampEnd(s, pos); // "prepend" format: an inner classic stamp follows
            if (after > 0) {
                pos = skipSpaces(s, after);
            }
        } else {
            int end = classicStampEnd(s, 0);
            if (end < 0) {
                return null;
            }
            time = classic(s, end);
            if (time == null) {
                return null;
            }
            pos = skipSpaces(s, end);
        }
        // host
        int hostEnd = s.indexOf(' ', pos);
        if (hostEnd <= pos) {
            return null;
        }
        String host = hostOverride != null ? hostOverride : s.substring(pos, hostEnd);
        pos = skipSpaces(s, hostEnd);
        // program[pid]:
        int bracket = s.indexOf('[', pos);
        if (bracket <= pos) {
            return null;
        }
        String program = s.substring(pos, bracket);
        if (!isPostfixProgram(program)) {
            return null;
        }
        int close = s.indexOf(']', bracket);
        if (close < 0 || close - bracket > 11 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
            return null;
        }
        int pid = 0;
        for (int i = bracket + 1; i < close; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return null;
            }
            pid = pid * 10 + (c - '0');
        }
        if (close == bracket + 1) {
            return null;
        }
        pos = close + 2;
        if (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
        String daemon = program.substring(program.lastIndexOf('/') + 1);
        String severity = null;
        for (String sev : new String[] {"warning", "error", "fatal", "panic"}) {
            if (s.startsWith(sev, pos) && s.startsWith(": ", pos + sev.length())) {
                severity = sev;
                pos += sev.length() + 2;
                break;
            }
        }
        String queueId = null;
        int colon = s.indexOf(':', pos);
        if (colon > pos && colon - pos <= 20 && (colon + 1 == s.length() || s.charAt(colon + 1) == ' ')) {
            String cand = s.substring(pos, colon);
            if (cand.equals("NOQUEUE") || isQueueId(cand)) {
                queueId = cand;
                pos = Math.min(s.length(), colon + 2);
            }
        }
        return new Line(time, host, program, daemon, pid, severity, queueId, s.substring(pos));
    }

    /** {@code postfix}, {@code postfix-10.20.30.40/smtp}, {@code postfix/submission/smtpd}: {@code ^postfix[^/\s]*(/[^/\s]+)*$}. */
    static boolean isPostfixProgram(String p) {
        if (!p.startsWith("postfix") || p.endsWith("/")) {
            return false;
        }
        for (int i = 7; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || (c == '/' && p.charAt(i - 1) == '/')) {
                return false;
            }
        }
        return true;
    }

    /** Short (hex, 6 or more) or long queue IDs (§4); fake fixture IDs like {@code BABABABABA} are hex too. */
    public static boolean isQueueId(String s) {
        int n = s.length();
        if (n < 6 || n > 20) {
            return false;
        }
        boolean hex = true;
        for (int i = 0; i < n && hex; i++) {
            char c = s.charAt(i);
            hex = isDigit(c) || (c >= 'A' && c <= 'F');
        }
        if (hex) {
            return true;
        }
        int z = s.indexOf('z', 10);
        if (z < 0 || z == n - 1) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isLongAlphabet(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLongAlphabet(char c) {
        if (isDigit(c)) {
            return true;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            return "AEIOUaeiou".indexOf(c) < 0;
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** End index of {@code Mmm [ 0]d hh:mm:ss[.frac]} at {@code p}, or -1. */
    private static int classicStampEnd(String s, int p) {
        if (s.length() < p + 16 || month(s, p) < 0 || s.charAt(p + 3) != ' ') {
            return -1;
        }
        char d1 = s.charAt(p + 4);
        if (!(d1 == ' ' || (d1 >= '0' && d1 <= '3')) || !isDigit(s.charAt(p + 5)) || s.charAt(p + 6) != ' ') {
            return -1;
        }
        if (!isDigit(s.charAt(p + 7)) || !isDigit(s.charAt(p + 8)) || s.charAt(p + 9) != ':'
                || !isDigit(s.charAt(p + 10)) || !isDigit(s.charAt(p + 11)) || s.charAt(p + 12) != ':'
                || !isDigit(s.charAt(p + 13)) || !isDigit(s.charAt(p + 14))) {
            return -1;
        }
        int e = p + 15;
        if (e < s.length() && s.charAt(e) == '.') {
            int f = e + 1;
            while (f < s.length() && f - e <= 9 && isDigit(s.charAt(f))) {
                f++;
            }
            if (f > e + 1) {
                e = f;
            }
        }
        return e < s.length() && s.charAt(e) == ' ' ? e : -1;
    }

    private static int month(String s, int p) {
        for (int m = 0; m < 12; m++) {
            if (s.startsWith(MONTHS[m], p)) {
                return m + 1;
            }
        }
        return -1;
    }

    private Instant classic(String s, int end) {
        String stamp = s.substring(0, end);
        if (stamp.equals(lastStamp)) {
            return lastStampInstant;
        }
        int month = month(s, 0);
        int day = (s.charAt(4) == ' ' ? 0 : s.charAt(4) - '0') * 10 + (s.charAt(5) - '0');
        int h = num2(s, 7);
        int mi = num2(s, 10);
        int sec = num2(s, 13);
        int nanos = 0;
        if (end > 15) {
            String frac = (s.substring(16, end) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(frac);
        }
        if (h > 23 || mi > 59 || sec > 60 || day < 1 || day > 31) {
            return null;
        }
        if (sec == 60) {
            sec = 59;
        }
        LocalDateTime ref = reference();
        LocalDateTime limit = ref.plusDays(1);
        Instant result = null;
        for (int y = ref.getYear() + 1; y >= ref.getYear() - 8 && result == null; y--) {
            try {
                LocalDateTime t = LocalDateTime.of(y, month, day, h, mi, sec, nanos);
                if (!t.isAfter(limit)) {
                    result = t.atZone(zone).toInstant();
                }
            } catch (DateTimeException e) {
                // Feb 29 in a common year or Apr 31: try the year before
            }
        }
        lastStamp = stamp;
        lastStampInstant = result;
        return result;
    }

    private LocalDateTime reference() {
        Instant now = clock.instant();
        long sec = now.getEpochSecond();
        if (sec != lastRefSecond) {
            lastRefSecond = sec;
            lastRef = LocalDateTime.ofInstant(now, zone);
            lastStamp = null;
        }
        return lastRef;
    }

    private static int num2(String s, int p) {
        return (s.charAt(p) - '0') * 10 + (s.charAt(p + 1) - '0');
    }

    private static Instant rfc3339(String t) {
        try {
            if (t.length() > 40) {
                return null;
            }
            return OffsetDateTime.parse(fixOffset(t)).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code +0100} → {@code +01:00}. */
    private static String fixOffset(String t) {
        int n = t.length();
        if (n > 5 && (t.charAt(n - 5) == '+' || t.charAt(n - 5) == '-') && isDigit(t.charAt(n - 1))
                && t.indexOf(':', n - 5) < 0) {
            return t.substring(0, n - 2) + ":" + t.substring(n - 2);
        }
        return t;
    }

    /** The {@code "message"} string of a logstash/filebeat JSON line, unescaped; null if absent. */
    static String jsonMessage(String s) {
        int k = s.indexOf("\"message\":\"");
        if (k < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = k + 11; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'u' -> {
                        if (i + 4 < s.length()) {
                            try {
                                b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                            } catch (NumberFormatException ex) {
                                return null;
                            }
                            i += 4;
                        }
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ payload helpers

    /**
     * Postfix {@code key=value} fields from {@code from}: values in {@code <…>} run to the {@code >} followed by
     * {@code ,}, {@code ;}, a space or the end (so {@code <"odd, user"@x>} stays whole); other values run to
     * {@code ", "} or, in the space-separated style of reject lines, to the next {@code " key="}. Parsing stops at a
     * token without {@code =}. The value of {@code status} is its first word; {@link #response} gives the text.
     */
    public static Map<String, String> fields(String s, int from) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = from;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == ';')) {
                i++;
            }
            int eq = i;
            while (eq < n && s.charAt(eq) != '=' && s.charAt(eq) != ' ' && s.charAt(eq) != ',' && eq - i < 40) {
                eq++;
            }
            if (eq >= n || s.charAt(eq) != '=' || eq == i) {
                break;
            }
            String key = s.substring(i, eq);
            int v = eq + 1;
            int end;
            if (v < n && s.charAt(v) == '<') {
                end = angleEnd(s, v);
                out.put(key, s.substring(v, end));
            } else if (key.equals("status")) {
                end = v;
                while (end < n && s.charAt(end) != ' ' && s.charAt(end) != ',') {
                    end++;
                }
                out.put(key, s.substring(v, end));
                break; // the rest is the response
            } else {
                end = plainEnd(s, v);
                out.put(key, s.substring(v, end));
            }
            i = end;
        }
        return out;
    }

    /** End (exclusive) of a {@code <…>} value starting at {@code v}. */
    static int angleEnd(String s, int v) {
        int n = s.length();
        int gt = s.indexOf('>', v + 1);
        while (gt >= 0) {
            int after = gt + 1;
            if (after >= n) {
                return n;
            }
            char c = s.charAt(after);
            if (c == ',' || c == ';' || c == ' ' || c == ':') {
                return after;
            }
            gt = s.indexOf('>', after);
        }
        // no closing bracket (truncated line): to the next ", " or end
        int comma = s.indexOf(", ", v);
        return comma < 0 ? n : comma;
    }

    private static int plainEnd(String s, int v) {
        int n = s.length();
        int depth = 0;
        for (int i = v; i < n; i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(') {
                depth++;
            } else if ((c == ']' || c == ')') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == ',' && i + 1 < n && s.charAt(i + 1) == ' ')) {
                return i;
            } else if (depth == 0 && c == ' ' && looksLikeKey(s, i + 1)) {
                return i;
            } else if (depth == 0 && c == ';' && i + 1 < n && s.charAt(i + 1) == ' ') {
                return i;
            }
        }
        return n;
    }

    private static boolean looksLikeKey(String s, int i) {
        int n = s.length();
        int j = i;
        while (j < n && j - i < 30) {
            char c = s.charAt(j);
            if (c == '=') {
                return j > i;
            }
            if (!(c == '_' || c == '-' || (c >= 'a' && c <= 'z') || isDigit(c))) {
                return false;
            }
            j++;
        }
        return false;
    }

    /**
     * The text in parentheses after {@code status=WORD}: from the first {@code (} to the last {@code )} of the
     * line (so nested parentheses and brackets stay), or to the end when a cap cut the line. Null if none.
     */
    public static String response(String s) {
        int st = s.indexOf("status=");
        if (st < 0) {
            return null;
        }
        int open = s.indexOf(" (", st);
        if (open < 0) {
            return null;
        }
        int close = s.lastIndexOf(')');
        return close > open ? s.substring(open + 2, close) : s.substring(open + 2);
    }

    /** {@code <a@b>} → {@code a@b}; other values unchanged; null stays null. */
    public static String unbracket(String v) {
        if (v != null && v.length() >= 2 && v.charAt(0) == '<' && v.charAt(v.length() - 1) == '>') {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** The IP inside the last {@code [...]} of {@code host[ip]} or {@code host[ip]:port}, or null. */
    public static String bracketIp(String hostIp) {
        if (hostIp == null) {
            return null;
        }
        int close = hostIp.lastIndexOf(']');
        int open = close < 0 ? -1 : hostIp.lastIndexOf('[', close);
        return open < 0 ? null : hostIp.substring(open + 1, close);
    }
}
