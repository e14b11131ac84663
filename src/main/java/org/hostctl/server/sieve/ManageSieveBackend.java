package org.hostctl.server.sieve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hostctl.server.sieve.ManageSieveClient.RefusedException;
import org.hostctl.server.sieve.ManageSieveClient.Response;
import org.hostctl.server.sieve.ManageSieveClient.ResponseCode;

/**
 * {@link SieveBackend} on a ManageSieve server, acting for each mailbox with a master user: every operation is
 * one session (connect, STARTTLS if configured, AUTHENTICATE PLAIN with authzid = the mailbox, commands, LOGOUT).
 */
public final class ManageSieveBackend implements SieveBackend {

    /** Room for the response line and error text around a literal of the largest script. */
    static final int LITERAL_SLACK = 64 * 1024;
    /** Dovecot's text for a codeless NO on a name it does not accept. */
    private static final Pattern INVALID_NAME_TEXT = Pattern.compile("(?i)^invalid .*script name");
    /** Dovecot's text when the master credentials are right but the mailbox does not exist or is inactive. */
    private static final Pattern AUTHORIZATION_FAILED = Pattern.compile("(?i)authorization failed");

    private final ManageSieveClient.Settings settings;
    private final String masterUser;
    private final char[] masterPassword;
    private final int maxScriptBytes;

    /**
     * @param settings connection; its literal limit is raised to fit {@code maxScriptBytes} if needed
     * @param masterPassword copied; the caller may clear its array
     * @param maxScriptBytes largest script (UTF-8 bytes) hostd stores or expects to read
     */
    public ManageSieveBackend(ManageSieveClient.Settings settings, String masterUser, char[] masterPassword,
            int maxScriptBytes) {
        if (masterUser == null || masterUser.isEmpty() || masterPassword == null || masterPassword.length == 0) {
            throw new IllegalArgumentException("master user and password are required");
        }
        if (maxScriptBytes < 1 || maxScriptBytes > Integer.MAX_VALUE - LITERAL_SLACK) {
            throw new IllegalArgumentException("maxScriptBytes out of range: " + maxScriptBytes);
        }
        int literal = Math.max(settings.maxLiteralBytes(), maxScriptBytes + LITERAL_SLACK);
        this.settings = settings.withLimits(settings.maxLineBytes(), literal, settings.maxCapabilityLines());
        this.masterUser = masterUser;
        this.masterPassword = masterPassword.clone();
        this.maxScriptBytes = maxScriptBytes;
    }

    @Override
    public String name() {
        return settings.backend();
    }

    @Override
    public List<ScriptInfo> list(String user) {
        return session(user, null, ManageSieveClient::listScripts);
    }

    @Override
    public String get(String user, String name) {
        requireName(name);
        return session(user, name, c -> decode(c.getScript(name), name));
    }

    @Override
    public List<String> check(String user, String content) {
        requireSize(content);
        return session(user, null, c -> {
            if (!c.hasCapability("VERSION")) {
                throw new SieveException(SieveException.Code.REFUSED,
                        "backend " + name() + " cannot check scripts (no CHECKSCRIPT without VERSION)");
            }
            return warnings(c.checkScript(content), null);
        });
    }

    @Override
    public List<String> put(String user, String name, String content) {
        requireName(name);
        requireSize(content);
        // PUTSCRIPT compiles first and leaves an existing script alone on any failure (RFC 5804 2.6).
        return session(user, name, c -> warnings(c.putScript(name, content), name));
    }

    @Override
    public void activate(String user, String name) {
        if (name != null) {
            requireName(name);
        }
        session(user, name, c -> c.setActive(name == null ? "" : name));
    }

    @Override
    public void rename(String user, String from, String to) {
        requireName(from);
        requireName(to);
        session(user, from, c -> {
            if (c.hasCapability("VERSION")) {
                return c.renameScript(from, to);
            }
            // Without RENAMESCRIPT: copy, move the active mark, delete the old one.
            List<ScriptInfo> scripts = c.listScripts();
            ScriptInfo source = scripts.stream().filter(s -> s.name().equals(from)).findFirst()
                    .orElseThrow(() -> new SieveException(SieveException.Code.NONEXISTENT,
                            "no script " + from + " on " + name()));
            if (scripts.stream().anyMatch(s -> s.name().equals(to))) {
                throw new SieveException(SieveException.Code.ALREADYEXISTS, "a script " + to + " exists on " + name());
            }
            c.putScript(to, decode(c.getScript(from), from));
            if (source.active()) {
                c.setActive(to);
            }
            return c.deleteScript(from);
        });
    }

    @Override
    public void delete(String user, String name) {
        requireName(name);
        session(user, name, c -> c.deleteScript(name));
    }

    // ---------------------------------------------------------------- session

    private <T> T session(String user, String scriptName, Function<ManageSieveClient, T> work) {
        if (user == null || user.isEmpty() || user.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F)) {
            throw new IllegalArgumentException("mailbox address must be non-empty without control characters");
        }
        try (ManageSieveClient client = ManageSieveClient.connect(settings)) {
            try {
                client.authenticatePlain(user, masterUser, masterPassword);
            } catch (RefusedException e) {
                throw authFailure(user, e.response());
            }
            try {
                return work.apply(client);
            } catch (RefusedException e) {
                throw map(e, scriptName);
            }
        }
    }

    private RuntimeException authFailure(String user, Response response) {
        ResponseCode code = response.code();
        if (code != null && code.parent().equals("TRYLATER")) {
            return new SieveException(SieveException.Code.TRYLATER,
                    "backend " + name() + " is busy: " + ManageSieveClient.oneLine(response.text()));
        }
        if (code == null && AUTHORIZATION_FAILED.matcher(response.text()).find()) {
            return new SieveException(SieveException.Code.NONEXISTENT,
                    "mailbox " + user + " does not exist or is disabled on " + name());
        }
        // Wrong master credentials or a mechanism/encryption problem: configuration, not the mailbox.
        return new SieveUnavailableException(name(), "master user login for " + user + " refused: "
                + ManageSieveClient.oneLine(response.text()) + (code == null ? "" : " (" + code.name() + ")"), null);
    }

    /** A NO to a script command as a {@link SieveException}. */
    SieveException map(RefusedException e, String scriptName) {
        Response r = e.response();
        String text = ManageSieveClient.oneLine(r.text());
        String code = r.code() == null ? "" : r.code().parent();
        switch (code) {
            case "NONEXISTENT":
                return new SieveException(SieveException.Code.NONEXISTENT, text, e);
            case "ACTIVE":
                return new SieveException(SieveException.Code.ACTIVE, text, e);
            case "ALREADYEXISTS":
                return new SieveException(SieveException.Code.ALREADYEXISTS, text, e);
            case "QUOTA":
                return new SieveException(SieveException.Code.QUOTA, r.code().name() + ": " + text, e);
            case "TRYLATER":
                return new SieveException(SieveException.Code.TRYLATER, text, e);
            default:
                break; // unknown codes are ignored (RFC 5804 1.3)
        }
        if (INVALID_NAME_TEXT.matcher(r.text()).find()) {
            return new SieveException(SieveException.Code.INVALID_NAME, text, e);
        }
        if (e.command().equals("PUTSCRIPT") || e.command().equals("CHECKSCRIPT")) {
            return new SieveCompileException(lines(r, e.command().equals("PUTSCRIPT") ? scriptName : null));
        }
        return new SieveException(SieveException.Code.REFUSED, e.command() + ": " + text, e);
    }

    private static List<String> warnings(Response ok, String scriptName) {
        return ok.code() != null && ok.code().parent().equals("WARNINGS") ? lines(ok, scriptName) : List.of();
    }

    /** The text's lines, without the {@code <name>: } prefix PUTSCRIPT puts before each. */
    private static List<String> lines(Response r, String scriptName) {
        String prefix = scriptName == null ? null : scriptName + ": ";
        List<String> lines = new ArrayList<>();
        for (String line : r.lines()) {
            String l = prefix != null && line.startsWith(prefix) ? line.substring(prefix.length()) : line;
            lines.add(ManageSieveClient.oneLine(l));
        }
        return lines;
    }

    private void requireName(String name) {
        ManageSieveClient.requireValidName(name);
        if (name.indexOf('/') >= 0) {
            throw new SieveException(SieveException.Code.INVALID_NAME, "a script name must not contain '/'");
        }
    }

    private void requireSize(String content) {
        if (content == null) {
            throw new IllegalArgumentException("script content is required");
        }
        long bytes = utf8Length(content);
        if (bytes > maxScriptBytes) {
            throw new SieveException(SieveException.Code.QUOTA,
                    "script of " + bytes + " bytes exceeds the limit of " + maxScriptBytes + " bytes");
        }
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n += 1;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private String decode(byte[] script, String scriptName) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(script)).toString();
        } catch (CharacterCodingException e) {
            throw new SieveException(SieveException.Code.REFUSED,
                    "script " + scriptName + " on " + name() + " is not valid UTF-8", e);
        }
    }

    @Override
    public String toString() {
        return "ManageSieveBackend[" + name() + " " + settings.host() + ":" + settings.port() + " tls="
                + settings.tls().name().toLowerCase(Locale.ROOT) + "]";
    }
}
