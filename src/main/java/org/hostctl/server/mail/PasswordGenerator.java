package org.hostctl.server.mail;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Random mailbox passwords for {@code --generate}: {@value #LENGTH} characters from an alphabet without
 * look-alikes (no {@code 0 O o 1 l I}) and without punctuation, so they survive being read aloud, typed from
 * paper and pasted into any mail client. That is about 116 bits of entropy.
 */
public final class PasswordGenerator {

    public static final int LENGTH = 20;
    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    private static final int ATTEMPTS = 100;

    private final PasswordPolicy policy;
    private final SecureRandom random;

    public PasswordGenerator(PasswordPolicy policy) {
        this(policy, new SecureRandom());
    }

    public PasswordGenerator(PasswordPolicy policy, SecureRandom random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * A new password that {@link PasswordPolicy#check} accepts for {@code address}. The caller owns the array
     * and should zero it once the password has been hashed and shown.
     */
    public char[] generate(String address) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            char[] password = new char[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            if (policy.check(password, address).isEmpty()) {
                return password;
            }
            Arrays.fill(password, '\0'); // e.g. it happened to contain the local part; draw again
        }
        throw new IllegalStateException("no generated password passed the policy in " + ATTEMPTS + " attempts");
    }

    /** Entropy of one generated password in bits: {@code LENGTH · log2(|ALPHABET|)}. */
    public static double entropyBits() {
        return LENGTH * Math.log(ALPHABET.length()) / Math.log(2);
    }
}
