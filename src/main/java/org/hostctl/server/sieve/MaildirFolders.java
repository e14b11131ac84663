package org.hostctl.server.sieve;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * Which folders a mailbox has, read from its maildir on disk ({@code <home>/Maildir}, Dovecot's maildir++ layout:
 * folder {@code A.B} is the directory {@code .A.B}, names in modified UTF-7). Read-only: nothing is created, and no
 * symbolic link is followed, on the way from {@code mail.root} or at the folder itself.
 */
public final class MaildirFolders {
    /** The maildir inside a mailbox home ({@code mail_location = maildir:~/Maildir}). */
    static final String MAILDIR = "Maildir";

    private final MailHomes homes;

    public MaildirFolders(MailHomes homes) {
        this.homes = homes;
    }

    /**
     * Whether the mailbox has the folder; empty when hostd cannot tell (no maildir under its mail root yet, e.g.
     * the mailbox never received mail or lives on another server, or something on the way is not a plain
     * directory).
     */
    public Optional<Boolean> has(String user, String folder) {
        Optional<Path> home;
        try {
            home = homes.existingHome(user);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (home.isEmpty()) {
            return Optional.empty();
        }
        Path maildir = home.get().resolve(MAILDIR);
        if (!isDirectory(maildir)) {
            return Optional.empty();
        }
        if (folder.equalsIgnoreCase("INBOX")) {
            return Optional.of(true);
        }
        String dir = "." + encode(folder);
        if (dir.indexOf('/') >= 0 || dir.equals(".") || dir.equals("..") || dir.indexOf('\0') >= 0
                || dir.getBytes(StandardCharsets.UTF_8).length > 255) {
            return Optional.of(false);
        }
        return Optional.of(isDirectory(maildir.resolve(dir)));
    }

    private static boolean isDirectory(Path p) {
        try {
            return MailHomes.stat(p).map(a -> a.isDirectory() && !a.isSymbolicLink()).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Modified UTF-7 (RFC 3501 5.1.3), as Dovecot names maildir folders. */
    static String encode(String name) {
        StringBuilder out = new StringBuilder();
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                flush(out, wide);
                out.append(c == '&' ? "&-" : String.valueOf(c));
            } else {
                wide.append(c);
            }
        }
        flush(out, wide);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder wide) {
        if (wide.length() == 0) {
            return;
        }
        byte[] utf16 = wide.toString().getBytes(StandardCharsets.UTF_16BE);
        out.append('&').append(Base64.getEncoder().withoutPadding().encodeToString(utf16).replace('/', ','))
                .append('-');
        wide.setLength(0);
    }
}
