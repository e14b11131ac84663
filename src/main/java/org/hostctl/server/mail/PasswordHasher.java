package org.hostctl.server.mail;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Mailbox password hashes in the form Dovecot's passdb reads: {@code {SCHEME}hash} (dovecot.md §5).
 *
 * <p>Every hash gets a fresh salt from {@link SecureRandom}. Passwords are taken as {@code char[]}; the
 * UTF-8 copies made here are zeroed after use, the caller's array is left alone. Nothing here logs.
 */
public final class PasswordHasher {

    /** The schemes hostd writes; each one was checked against Dovecot's {@code doveadm auth test}. */
    public enum Scheme {
        BLF_CRYPT("BLF-CRYPT"),
        ARGON2ID("ARGON2ID"),
        SHA512_CRYPT("SHA512-CRYPT");

        private final String dovecotName;

        Scheme(String dovecotName) {
            this.dovecotName = dovecotName;
        }

        /** Dovecot's name, e.g. {@code BLF-CRYPT}. */
        public String dovecotName() {
            return dovecotName;
        }

        /** The prefix of a stored value, e.g. {@code {BLF-CRYPT}}. */
        public String prefix() {
            return "{" + dovecotName + "}";
        }

        /** The scheme for a Dovecot name such as {@code BLF-CRYPT}, case-insensitive. */
        public static Optional<Scheme> fromDovecotName(String name) {
            for (Scheme s : values()) {
                if (s.dovecotName.equalsIgnoreCase(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /** bcrypt reads at most this many bytes of a password; longer ones are refused rather than cut silently. */
    public static final int BCRYPT_MAX_PASSWORD_BYTES = 72;

    static final int BCRYPT_COST = 10;
    static final int ARGON2_MEMORY_KIB = 65536;
    static final int ARGON2_ITERATIONS = 3;
    static final int ARGON2_PARALLELISM = 1;
    private static final int ARGON2_SALT_BYTES = 16;
    private static final int ARGON2_HASH_BYTES = 32;
    private static final int SHA512_SALT_CHARS = 16;
    private static final String CRYPT_SALT_ALPHABET =
            "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // Bounds for parameters read back from a stored hash, so a corrupt row cannot make one login cost minutes or GiBs.
    private static final int ARGON2_MAX_MEMORY_KIB = 262144; // Dovecot's default_vsz_limit is 256M
    private static final int ARGON2_MAX_ITERATIONS = 16;
    private static final int ARGON2_MAX_PARALLELISM = 16;
    private static final int SHA512_MAX_ROUNDS = 1_000_000;

    private static final Pattern ARGON2ID = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{22,})");
    private static final Pattern SHA512_CRYPT =
            Pattern.compile("\\$6\\$(?:rounds=(\\d{1,10})\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{86}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./0-9A-Za-z]{53}");

    private final SecureRandom random;

    public PasswordHasher() {
        this(new SecureRandom());
    }

    public PasswordHasher(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Hashes {@code password} for Dovecot, e.g. {@code {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$…}.
     *
     * @throws IllegalArgumentException if the password is not valid UTF-16 (an unpaired surrogate), or, for
     *     {@link Scheme#BLF_CRYPT}, longer than {@value #BCRYPT_MAX_PASSWORD_BYTES} bytes in UTF-8
     */
    public String hash(char[] password, Scheme scheme) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(scheme, "scheme");
        byte[] bytes = utf8(password).orElseThrow(
                () -> new IllegalArgumentException("password is not valid Unicode text"));
        try {
            return scheme.prefix() + switch (scheme) {
                case BLF_CRYPT -> bcrypt(bytes);
                case ARGON2ID -> argon2id(bytes);
                case SHA512_CRYPT -> sha512Crypt(bytes);
            };
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Whether {@code password} matches {@code stored} ({@code {SCHEME}hash} as written by {@link #hash}; for
     * BLF-CRYPT also {@code $2a$}/{@code $2b$}). Unknown schemes and malformed values never match.
     */
    public boolean verify(char[] password, String stored) {
        Objects.requireNonNull(password, "password");
        if (stored == null) {
            return false;
        }
        Optional<Scheme> scheme = schemeOf(stored);
        if (scheme.isEmpty()) {
            return false;
        }
        String hash = stored.substring(scheme.get().prefix().length());
        Optional<byte[]> utf8 = utf8(password);
        if (utf8.isEmpty()) {
            return false;
        }
        byte[] bytes = utf8.get();
        try {
            return switch (scheme.get()) {
                case BLF_CRYPT -> verifyBcrypt(bytes, hash);
                case ARGON2ID -> verifyArgon2id(bytes, hash);
                case SHA512_CRYPT -> verifySha512Crypt(bytes, hash);
            };
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The scheme named by the {@code {SCHEME}} prefix of a stored value, if hostd knows it. */
    public static Optional<Scheme> schemeOf(String stored) {
        if (stored == null || !stored.startsWith("{")) {
            return Optional.empty();
        }
        int end = stored.indexOf('}');
        return end < 0 ? Optional.empty() : Scheme.fromDovecotName(stored.substring(1, end))
                .filter(s -> stored.startsWith(s.prefix()));
    }

    private String bcrypt(byte[] password) {
        if (password.length > BCRYPT_MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("BLF-CRYPT uses at most " + BCRYPT_MAX_PASSWORD_BYTES
                    + " bytes of a password; this one has " + password.length);
        }
        byte[] salt = randomBytes(16);
        return OpenBSDBCrypt.generate("2y", password, salt, BCRYPT_COST);
    }

    private static boolean verifyBcrypt(byte[] password, String hash) {
        if (!BCRYPT.matcher(hash).matches()) {
            return false;
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, password); // compares in constant time
        } catch (IllegalArgumentException | DataLengthException e) { // cost out of range, bad salt encoding
            return false;
        }
    }

    private String argon2id(byte[] password) {
        byte[] salt = randomBytes(ARGON2_SALT_BYTES);
        byte[] out = argon2(password, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM,
                ARGON2_HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + ARGON2_MEMORY_KIB + ",t=" + ARGON2_ITERATIONS + ",p=" + ARGON2_PARALLELISM
                + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    }

    private static boolean verifyArgon2id(byte[] password, String hash) {
        Matcher m = ARGON2ID.matcher(hash);
        if (!m.matches()) {
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (iterations < 1 || iterations > ARGON2_MAX_ITERATIONS || parallelism < 1
                || parallelism > ARGON2_MAX_PARALLELISM || memory < 8 * parallelism
                || memory > ARGON2_MAX_MEMORY_KIB) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(m.group(4));
            expected = Base64.getDecoder().decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (salt.length < 8 || expected.length < 16 || expected.length > 64) {
            return false;
        }
        byte[] actual = argon2(password, salt, memory, iterations, parallelism, expected.length);
        return MessageDigest.isEqual(actual, expected);
    }

    private static byte[] argon2(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        params.clear();
        return out;
    }

    private String sha512Crypt(byte[] password) {
        StringBuilder salt = new StringBuilder("$6$");
        for (int i = 0; i < SHA512_SALT_CHARS; i++) {
            salt.append(CRYPT_SALT_ALPHABET.charAt(random.nextInt(CRYPT_SALT_ALPHABET.length())));
        }
        return Sha2Crypt.sha512Crypt(password, salt.toString());
    }

    private static boolean verifySha512Crypt(byte[] password, String hash) {
        Matcher m = SHA512_CRYPT.matcher(hash);
        if (!m.matches() || (m.group(1) != null && Long.parseLong(m.group(1)) > SHA512_MAX_ROUNDS)) {
            return false;
        }
        // Sha2Crypt reads "$6$[rounds=N$]salt" from the front of the stored value and ignores the rest.
        String actual = Sha2Crypt.sha512Crypt(password, hash);
        return MessageDigest.isEqual(actual.getBytes(UTF_8), hash.getBytes(UTF_8));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** UTF-8 of {@code password}, or empty if it holds an unpaired surrogate. Intermediate buffers are zeroed. */
    private static Optional<byte[]> utf8(char[] password) {
        CharsetEncoder encoder = UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return Optional.of(bytes);
    }
}
