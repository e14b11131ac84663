package org.hostctl.server.sieve;

import java.util.List;

/**
 * Where a mailbox's Sieve scripts live: a ManageSieve server (RFC 5804) or Dovecot's on-disk layout.
 * {@code user} is the mailbox address the operation acts for. Errors are {@link SieveException}s.
 */
public interface SieveBackend {
    /** The backend's name from the configuration, shown in errors and status. */
    String name();

    /** The mailbox's scripts, in the server's order, with the active one marked. */
    List<ScriptInfo> list(String user);

    /** A script's text; {@link SieveException.Code#NONEXISTENT} when there is none. */
    String get(String user, String name);

    /** Validates without storing; a script that does not compile is a {@link SieveCompileException}. */
    List<String> check(String user, String content);

    /** Stores a script, replacing one of the same name only if the new one compiles; returns warnings. */
    List<String> put(String user, String name, String content);

    /** Makes {@code name} the active script; {@code null} deactivates (idempotent). */
    void activate(String user, String name);

    void rename(String user, String from, String to);

    /** Deletes a script; the active one is refused with {@link SieveException.Code#ACTIVE}. */
    void delete(String user, String name);

    /**
     * One script as listed.
     *
     * @param name script name
     * @param active whether it is active
     */
    record ScriptInfo(String name, boolean active) {}
}
