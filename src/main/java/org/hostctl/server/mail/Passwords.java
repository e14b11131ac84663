package org.hostctl.server.mail;

import java.security.SecureRandom;
import java.util.Optional;

/** Mailbox passwords as hostd handles them: the policy, the configured hash scheme, and generation. */
public final class Passwords {
    private final PasswordHasher hasher;
    private final PasswordHasher.Scheme scheme;
    private final PasswordPolicy policy;
    private final PasswordGenerator generator;

    /** @param schemeName a Dovecot scheme name: BLF-CRYPT, ARGON2ID or SHA512-CRYPT */
    public Passwords(String schemeName) {
        SecureRandom random = new SecureRandom();
        this.hasher = new PasswordHasher(random);
        this.scheme = PasswordHasher.Scheme.fromDovecotName(schemeName).orElseThrow(() ->
                new IllegalArgumentException("mail.passwordScheme must be BLF-CRYPT, ARGON2ID or SHA512-CRYPT, not "
                        + schemeName));
        this.policy = new PasswordPolicy();
        this.generator = new PasswordGenerator(policy, random);
    }

    /** Why {@code password} is refused for {@code address}, if it is. */
    public Optional<String> check(char[] password, String address) {
        Optional<String> refusal = policy.check(password, address);
        if (refusal.isEmpty() && scheme == PasswordHasher.Scheme.BLF_CRYPT
                && utf8Length(password) > PasswordHasher.BCRYPT_MAX_PASSWORD_BYTES) {
            return Optional.of("at most " + PasswordHasher.BCRYPT_MAX_PASSWORD_BYTES + " bytes with this server's"
                    + " password scheme (BLF-CRYPT)");
        }
        return refusal;
    }

    private static int utf8Length(char[] password) {
        java.nio.ByteBuffer b = java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        int n = b.remaining();
        java.util.Arrays.fill(b.array(), (byte) 0);
        return n;
    }

    /** The stored form, {@code {SCHEME}...}, with a fresh random salt. */
    public String hash(char[] password) {
        return hasher.hash(password, scheme);
    }

    /** A new strong password that passes the policy for {@code address}. */
    public char[] generate(String address) {
        return generator.generate(address);
    }
}
