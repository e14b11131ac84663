package org.hostctl.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Creates API tokens: a secret {@code hct_<43 base64url characters>} (32 random bytes) shown to the user once,
 * the SHA-256 hex of that secret, which is all hostd stores, and a short public id {@code tok_<8 base32 chars>}.
 */
public final class TokenSecrets {
    public static final String SECRET_PREFIX = "hct_";
    public static final String ID_PREFIX = "tok_";
    private static final int SECRET_BYTES = 32;
    private static final int ID_CHARS = 8;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final SecureRandom random;

    public TokenSecrets(SecureRandom random) {
        this.random = random;
    }

    /** A new token: the secret to hand out, its hash to store, and its id. */
    public record NewToken(String id, String secret, String sha256Hex) {
        @Override
        public String toString() {
            return "NewToken[id=" + id + ", secret=<hidden>]";
        }
    }

    public NewToken generate() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new NewToken(newId(), secret, sha256Hex(secret));
    }

    /** {@code tok_} followed by 8 random lower-case base32 characters (40 bits). */
    public String newId() {
        StringBuilder id = new StringBuilder(ID_PREFIX.length() + ID_CHARS).append(ID_PREFIX);
        for (int i = 0; i < ID_CHARS; i++) {
            id.append(BASE32[random.nextInt(BASE32.length)]);
        }
        return id.toString();
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes: the value looked up on every request. */
    public String sha256Hex(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Whether {@code text} has the shape of a secret made by {@link #generate()} (cheap pre-check before hashing). */
    public boolean looksLikeSecret(String text) {
        return text != null
                && text.length() == SECRET_PREFIX.length() + 43
                && text.startsWith(SECRET_PREFIX)
                && text.substring(SECRET_PREFIX.length()).chars().allMatch(TokenSecrets::isBase64Url);
    }

    private static boolean isBase64Url(int ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    }
}
