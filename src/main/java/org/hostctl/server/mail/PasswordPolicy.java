package org.hostctl.server.mail;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a mailbox password may be set. {@link #check} returns a one-line reason for a refusal, fit
 * for a problem detail; the password itself never appears in a reason.
 *
 * <p>Refused: fewer than {@value #MIN_LENGTH} or more than {@value #MAX_LENGTH} characters (Unicode code
 * points), control characters (NUL, tab, line breaks, DEL, C1), unpaired surrogates, the mailbox address or
 * its local part (case-insensitive; local parts shorter than 3 characters are not checked), and passwords on
 * the bundled list of common passwords, also after removing trailing digits and punctuation
 * ({@code Password123!} → {@code password}).
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 1024;
    private static final int MIN_LOCAL_PART = 3;

    /** Why {@link #check} refused a password. */
    static final String TOO_SHORT = "password must be at least " + MIN_LENGTH + " characters long";
    static final String TOO_LONG = "password must be at most " + MAX_LENGTH + " characters long";
    static final String CONTROL = "password must not contain control characters (NUL, tab, line breaks)";
    static final String NOT_UNICODE = "password is not valid Unicode text";
    static final String ADDRESS = "password must not contain the mailbox address or its local part";
    static final String COMMON = "password is too common; choose a less predictable one";

    /**
     * Checks {@code password} for the mailbox {@code address}. Empty means accepted. The caller's array is not
     * modified; the lower-case copy made here is zeroed before returning.
     */
    public Optional<String> check(char[] password, String address) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(address, "address");
        if (password.length > 2 * MAX_LENGTH) { // cannot be ≤ MAX_LENGTH code points
            return Optional.of(TOO_LONG);
        }
        int codePoints = 0;
        for (int i = 0; i < password.length; codePoints++) {
            char c = password[i];
            int cp;
            if (Character.isHighSurrogate(c) && i + 1 < password.length
                    && Character.isLowSurrogate(password[i + 1])) {
                cp = Character.toCodePoint(c, password[i + 1]);
                i += 2;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(NOT_UNICODE);
            } else {
                cp = c;
                i++;
            }
            if (Character.isISOControl(cp)) {
                return Optional.of(CONTROL);
            }
        }
        if (codePoints > MAX_LENGTH) {
            return Optional.of(TOO_LONG);
        }
        if (codePoints < MIN_LENGTH) {
            return Optional.of(TOO_SHORT);
        }
        char[] lower = new char[password.length];
        try {
            for (int i = 0; i < password.length; i++) {
                lower[i] = Character.toLowerCase(password[i]);
            }
            if (containsAddress(lower, address)) {
                return Optional.of(ADDRESS);
            }
            if (isCommon(lower)) {
                return Optional.of(COMMON);
            }
            return Optional.empty();
        } finally {
            Arrays.fill(lower, '\0');
        }
    }

    private static boolean containsAddress(char[] lower, String address) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        if (a.isEmpty()) {
            return false;
        }
        if (contains(lower, a)) {
            return true;
        }
        int at = a.lastIndexOf('@');
        String local = at < 0 ? a : a.substring(0, at);
        return local.length() >= MIN_LOCAL_PART && contains(lower, local);
    }

    private static boolean contains(char[] haystack, String needle) {
        outer:
        for (int i = 0; i + needle.length() <= haystack.length; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (haystack[i + j] != needle.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isCommon(char[] lower) {
        // CharBuffer equality is by content, so the password needs no String copy to be looked up.
        Set<CharBuffer> common = CommonPasswords.SET;
        if (common.contains(CharBuffer.wrap(lower))) {
            return true;
        }
        int end = lower.length;
        while (end > 0 && !Character.isLetter(lower[end - 1])) {
            end--;
        }
        return end > 0 && end < lower.length && common.contains(CharBuffer.wrap(lower, 0, end));
    }

    /** The bundled list, read on first use (holder idiom: loaded once, thread-safe, never changed). */
    private static final class CommonPasswords {
        static final String RESOURCE = "common-passwords.txt";
        static final Set<CharBuffer> SET = load();

        private static Set<CharBuffer> load() {
            try (InputStream in = PasswordPolicy.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
                Set<CharBuffer> set = new HashSet<>();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String entry = line.strip();
                    if (!entry.isEmpty() && !entry.startsWith("#")) {
                        set.add(CharBuffer.wrap(entry.toLowerCase(Locale.ROOT)));
                    }
                }
                return Set.copyOf(set);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }

    /** How many entries the bundled list has (for tests). */
    static int commonPasswordCount() {
        return CommonPasswords.SET.size();
    }
}
