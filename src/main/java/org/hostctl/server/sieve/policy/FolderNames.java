package org.hostctl.server.sieve.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostctl.server.sieve.SieveScan;

/**
 * Folder names of {@code fileinto}, as Dovecot's maildir layout ({@code mail_location = maildir:~/Maildir}, hierarchy
 * separator {@code .}) stores them. Encoded characters (RFC 5228 2.4.2.4, {@code ${hex:2e}}) are decoded before the
 * check; a variable ({@code ${1}}) stands for some text, which Dovecot checks again at delivery.
 */
public final class FolderNames {
    private static final Pattern ENCODED = Pattern.compile("\\$\\{(hex|unicode):([^}]*)\\}", Pattern.CASE_INSENSITIVE);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*\\}");
    /** Tags of {@code fileinto} whose argument is not the folder. */
    private static final Set<String> VALUE_TAGS = Set.of(":flags", ":specialuse", ":mailboxid");

    private FolderNames() {}

    /** The folder arguments of a {@code fileinto} command, as written. */
    static List<String> folders(List<ScriptPolicy.Arg> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            ScriptPolicy.Arg a = args.get(i);
            if (a.tag() != null) {
                if (VALUE_TAGS.contains(a.tag()) && i + 1 < args.size() && args.get(i + 1).tag() == null) {
                    i++;
                }
                continue;
            }
            out.addAll(a.strings());
        }
        return out;
    }

    /** A literal {@code fileinto} target: its folder (encoded characters decoded), line and whether it has :create. */
    public record Target(String folder, int line, boolean create) {}

    /**
     * The folders a script files into that are literals (no variables), with whether {@code :create} makes them;
     * in script order.
     */
    public static List<Target> literalTargets(String script) {
        List<Target> out = new ArrayList<>();
        for (SieveScan.Command c : SieveScan.commands(script, List.of("fileinto"))) {
            List<ScriptPolicy.Arg> args = ScriptPolicy.Arg.of(c);
            boolean create = args.stream().anyMatch(a -> ":create".equals(a.tag()));
            for (String f : folders(args)) {
                String decoded = decodeEncoded(f);
                if (!decoded.contains("${") && check(f).isEmpty()) {
                    out.add(new Target(decoded, c.line(), create));
                }
            }
        }
        return out;
    }

    /** Why Dovecot's maildir layout cannot hold {@code folder} inside the mailbox, or empty when it can. */
    static Optional<String> check(String folder) {
        String name = VARIABLE.matcher(decodeEncoded(folder)).replaceAll("x");
        if (name.isEmpty()) {
            return Optional.of("is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("contains a control character");
            }
        }
        if (name.startsWith("~")) {
            return Optional.of("starts with '~'");
        }
        if (name.indexOf('/') >= 0) {
            return Optional.of("contains '/'; subfolders are separated by '.', e.g. \"Lists.Work\"");
        }
        if (name.startsWith(".") || name.endsWith(".")) {
            return Optional.of("starts or ends with the separator '.'");
        }
        if (name.contains("..")) {
            return Optional.of("contains '..'; subfolders are separated by a single '.'");
        }
        return Optional.empty();
    }

    /** Decodes {@code ${hex:..}} and {@code ${unicode:..}}; a malformed one stays as written. */
    static String decodeEncoded(String s) {
        if (!s.contains("${")) {
            return s;
        }
        Matcher m = ENCODED.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String decoded = decode(m.group(1).toLowerCase(Locale.ROOT), m.group(2).strip());
            m.appendReplacement(out, Matcher.quoteReplacement(decoded == null ? m.group() : decoded));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decode(String kind, String body) {
        if (body.isEmpty()) {
            return "";
        }
        String[] parts = body.split("\\s+");
        try {
            if (kind.equals("hex")) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (String p : parts) {
                    if (p.length() > 2) {
                        return null;
                    }
                    b.write(Integer.parseInt(p, 16));
                }
                return b.toString(StandardCharsets.UTF_8);
            }
            StringBuilder t = new StringBuilder();
            for (String p : parts) {
                if (p.length() > 6) {
                    return null;
                }
                t.appendCodePoint(Integer.parseInt(p, 16));
            }
            return t.toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
