package org.hostctl.server.mail;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PasswordPolicyTest {
    private static final String ADDRESS = "alice@example.com";
    private final PasswordPolicy policy = new PasswordPolicy();

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("", ADDRESS, PasswordPolicy.TOO_SHORT),
                Arguments.of("Xk7#pQ2!v", ADDRESS, PasswordPolicy.TOO_SHORT),
                Arguments.of("🌧🌈🌧🌈🌧🌈🌧🌈🌧", ADDRESS, PasswordPolicy.TOO_SHORT), // 9 code points, 18 chars
                Arguments.of("Xk7#pQ2!v".repeat(114), ADDRESS, PasswordPolicy.TOO_LONG), // 1026
                Arguments.of("x".repeat(1024 * 1024), ADDRESS, PasswordPolicy.TOO_LONG),
                Arguments.of("correct\0horse battery", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct\thorse battery", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct horse battery\n", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct\rhorse battery", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct\u007fhorse battery", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct\u0085horse battery", ADDRESS, PasswordPolicy.CONTROL),
                Arguments.of("correct horse \uD83D battery", ADDRESS, PasswordPolicy.NOT_UNICODE),
                Arguments.of("mine: alice@example.com!", ADDRESS, PasswordPolicy.ADDRESS),
                Arguments.of("ALICE-rocks-2024", ADDRESS, PasswordPolicy.ADDRESS),
                Arguments.of("xx Al@Example.com yy", "al@example.com", PasswordPolicy.ADDRESS),
                Arguments.of("password123", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("Password123!", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("QWERTYUIOP", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("1234567890", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("Sunshine2024!!", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("iloveyou!!", ADDRESS, PasswordPolicy.COMMON),
                Arguments.of("Liverpool1892", ADDRESS, PasswordPolicy.COMMON));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refuses_with_a_one_line_reason(String password, String address, String reason) {
        assertThat(policy.check(password.toCharArray(), address)).contains(reason);
        assertThat(reason).doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "correct horse battery staple",
            "tK9#mQ2!vX7&pL4",
            "Grüße aus Köln 2024",
            "пароль-надёжный-7",
            "🌧🌈🌧🌈🌧🌈🌧🌈🌧🌈",
            "al-is-the-best-2024", // local part "al" is too short to count
            "'; DROP TABLE mailbox; -- %_\\\"",
            "Password for Bob's cat 7",
    })
    void accepts_good_passwords(String password) {
        assertThat(policy.check(password.toCharArray(), password.startsWith("al-") ? "al@example.com" : ADDRESS))
                .isEmpty();
    }

    @Test
    void accepts_exactly_1024_characters() {
        assertThat(policy.check("Xk7#".repeat(256).toCharArray(), ADDRESS)).isEmpty();
    }

    @Test
    void leaves_the_callers_array_unchanged() {
        char[] password = "Password123!".toCharArray();

        policy.check(password, ADDRESS);

        assertThat(password).containsExactly("Password123!".toCharArray());
    }

    @Test
    void ships_at_least_1000_lower_case_common_passwords() throws IOException {
        List<String> entries;
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
            assertThat(in).isNotNull();
            entries = new String(in.readAllBytes(), UTF_8).lines()
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }

        assertThat(PasswordPolicy.commonPasswordCount()).isGreaterThanOrEqualTo(1000);
        assertThat(entries).hasSize(PasswordPolicy.commonPasswordCount()).doesNotHaveDuplicates()
                .allSatisfy(e -> assertThat(e).isEqualTo(e.toLowerCase(Locale.ROOT)).doesNotContainAnyWhitespaces());
    }
}
