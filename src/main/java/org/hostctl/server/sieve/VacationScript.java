package org.hostctl.server.sieve;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.sieve.policy.ScriptPolicy;

/**
 * The autoresponder of a mailbox as a Sieve {@code vacation} rule in {@code ~/.hostd-vacation.sieve}, which Dovecot
 * runs before the customer's active script ({@code sieve_before = ~/.hostd-vacation.sieve}). Text from the customer
 * goes only into quoted strings (escaping exactly {@code \} and {@code "}) and a {@code text:} block (lines starting
 * with a dot get a second one); control characters are refused before this point.
 */
public final class VacationScript {
    /** File name in the mailbox home. */
    public static final String FILE = ".hostd-vacation.sieve";

    private final MailHomes homes;
    private final SieveTools tools;
    private final ScriptPolicy policy;

    public VacationScript(MailHomes homes, SieveTools tools, ScriptPolicy policy) {
        this.homes = homes;
        this.tools = tools;
        this.policy = policy;
    }

    /**
     * The rule for a mailbox, checked against the provider's Sieve policy (a refusal is a
     * {@link org.hostctl.server.sieve.policy.SievePolicyException}) and compiled with sievec when installed;
     * nothing is written yet.
     */
    public String prepare(String user, String subject, String body, LocalDate start, LocalDate end, int days) {
        String script = generate(user, subject, body, start, end, days);
        policy.admit(user, script);
        if (tools.canCompile()) {
            try {
                tools.compile(script);
            } catch (SieveCompileException e) {
                throw new IllegalStateException("generated vacation script does not compile: " + e.errors(), e);
            }
        }
        return script;
    }

    /** Writes a rule {@link #prepare} returned into the mailbox home. */
    public void write(String user, String script) {
        MailHomes.writeAtomically(homes.home(user), FILE, script.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the rule; nothing happens when there is none. */
    public void remove(String user) {
        homes.existingHome(user).ifPresent(home -> MailHomes.delete(home.resolve(FILE)));
    }

    /** Where the rule of a mailbox home lives, for tests and tools. */
    public static Path file(Path home) {
        return home.resolve(FILE);
    }

    /** The script text. */
    public static String generate(String user, String subject, String body, LocalDate start, LocalDate end,
            int days) {
        List<String> conditions = new ArrayList<>();
        if (start != null) {
            conditions.add("currentdate :value \"ge\" \"date\" " + quote(start.toString()));
        }
        if (end != null) {
            conditions.add("currentdate :value \"le\" \"date\" " + quote(end.toString()));
        }
        StringBuilder s = new StringBuilder();
        s.append("# Autoresponder of ").append(user.replaceAll("[\\x00-\\x1f\\x7f]", "?"))
                .append(", written by hostd; changes are overwritten.\n");
        s.append(conditions.isEmpty() ? "require [\"vacation\"];\n"
                : "require [\"vacation\", \"date\", \"relational\"];\n");
        String indent = "";
        if (!conditions.isEmpty()) {
            s.append("if allof (").append(String.join(", ", conditions)).append(") {\n");
            indent = "    ";
        }
        s.append(indent).append("vacation :days ").append(days).append(" :subject ").append(quote(subject))
                .append(" ").append(text(body)).append(";\n");
        if (!conditions.isEmpty()) {
            s.append("}\n");
        }
        return s.toString();
    }

    /** A quoted string: only {@code \\} and {@code \"} are escaped (RFC 5228 2.4.2). */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A multi-line {@code text:} string, dot-stuffed, CRLF-free, ending with the lone dot. */
    static String text(String value) {
        StringBuilder t = new StringBuilder("text:\n");
        String v = value.replace("\r\n", "\n").replace('\r', '\n');
        if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        for (String line : v.split("\n", -1)) {
            t.append(line.startsWith(".") ? "." + line : line).append('\n');
        }
        return t.append(".\n").toString();
    }
}
