package org.hostctl.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TokenSecretsTest {
    private final TokenSecrets secrets = new TokenSecrets(new SecureRandom());

    @Test
    void a_secret_is_hct_and_43_base64url_characters_without_padding() {
        TokenSecrets.NewToken token = secrets.generate();

        assertThat(token.secret()).matches("hct_[A-Za-z0-9_-]{43}");
        assertThat(secrets.looksLikeSecret(token.secret())).isTrue();
    }

    @Test
    void an_id_is_tok_and_8_lower_case_base32_characters() {
        assertThat(secrets.generate().id()).matches("tok_[a-z2-7]{8}");
    }

    @Test
    void the_stored_hash_is_the_lower_case_hex_sha256_of_the_secret() {
        TokenSecrets.NewToken token = secrets.generate();

        assertThat(token.sha256Hex()).matches("[0-9a-f]{64}").isEqualTo(secrets.sha256Hex(token.secret()));
        assertThat(secrets.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void secrets_and_ids_do_not_repeat() {
        Set<String> seenSecrets = new HashSet<>();
        Set<String> seenIds = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TokenSecrets.NewToken token = secrets.generate();
            assertThat(seenSecrets.add(token.secret())).isTrue();
            assertThat(seenIds.add(token.id())).isTrue();
        }
    }

    @Test
    void the_secret_never_appears_in_to_string() {
        TokenSecrets.NewToken token = secrets.generate();

        assertThat(token.toString()).doesNotContain(token.secret()).doesNotContain(token.sha256Hex());
    }

    @Test
    void malformed_secrets_are_recognised_without_hashing() {
        assertThat(secrets.looksLikeSecret(null)).isFalse();
        assertThat(secrets.looksLikeSecret("")).isFalse();
        assertThat(secrets.looksLikeSecret("hct_short")).isFalse();
        assertThat(secrets.looksLikeSecret("xyz_" + "a".repeat(43))).isFalse();
        assertThat(secrets.looksLikeSecret("hct_" + "a".repeat(42) + "=")).isFalse();
    }
}
