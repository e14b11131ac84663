package org.hostctl.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PasswordGeneratorTest {
    private static final String ADDRESS = "alice@example.com";
    private final PasswordPolicy policy = new PasswordPolicy();

    @Test
    void generates_distinct_20_character_passwords_that_pass_the_policy() {
        PasswordGenerator generator = new PasswordGenerator(policy);
        Set<String> seen = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            char[] password = generator.generate(ADDRESS);
            assertThat(password).hasSize(20);
            assertThat(policy.check(password, ADDRESS)).isEmpty();
            seen.add(new String(password));
        }

        assertThat(seen).hasSize(200);
        assertThat(String.join("", seen)).doesNotContainPattern("[0O1lIo]").matches("[A-Za-z2-9]+");
    }

    @Test
    void has_more_than_110_bits_of_entropy() {
        assertThat(PasswordGenerator.ALPHABET.chars().distinct().count())
                .isEqualTo(PasswordGenerator.ALPHABET.length()).isEqualTo(56);
        assertThat(PasswordGenerator.entropyBits()).isGreaterThan(110.0);
    }

    @Test
    void draws_again_when_a_password_contains_the_mailbox_name() {
        // The first draw spells "abc…" (refused for abc@example.com), the second "BBBB…".
        String first = "abcabcabcabcabcabcab";
        String second = "B".repeat(20) + "x";
        SecureRandom scripted = new SecureRandom() {
            private final String script = first + second;
            private int next;

            @Override
            public int nextInt(int bound) {
                return PasswordGenerator.ALPHABET.indexOf(script.charAt(next++));
            }
        };

        char[] password = new PasswordGenerator(policy, scripted).generate("abc@example.com");

        assertThat(new String(password)).isEqualTo("B".repeat(20));
    }
}
