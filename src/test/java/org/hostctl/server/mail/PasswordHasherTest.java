package org.hostctl.server.mail;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hostctl.server.mail.PasswordHasher.Scheme;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PasswordHasherTest {
    private static final String PASSWORD = "Grüße aus Köln 🌧 2024";
    private final PasswordHasher hasher = new PasswordHasher();

    /** The stored formats Dovecot reads (dovecot.md §5). */
    private static String formatOf(Scheme scheme) {
        return switch (scheme) {
            case BLF_CRYPT -> "\\{BLF-CRYPT\\}\\$2y\\$10\\$[./A-Za-z0-9]{53}";
            case ARGON2ID -> "\\{ARGON2ID\\}\\$argon2id\\$v=19\\$m=65536,t=3,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}";
            case SHA512_CRYPT -> "\\{SHA512-CRYPT\\}\\$6\\$[./A-Za-z0-9]{16}\\$[./A-Za-z0-9]{86}";
        };
    }

    @Nested
    class Hash {
        @ParameterizedTest
        @EnumSource(Scheme.class)
        void has_dovecots_format_and_verifies_only_with_its_password(Scheme scheme) {
            char[] password = PASSWORD.toCharArray();

            String stored = hasher.hash(password, scheme);

            assertThat(stored).matches(formatOf(scheme));
            assertThat(password).as("the caller's array is left alone").containsExactly(PASSWORD.toCharArray());
            assertThat(hasher.verify(PASSWORD.toCharArray(), stored)).isTrue();
            assertThat(hasher.verify("Grüße aus Köln 🌧 2025".toCharArray(), stored)).isFalse();
        }

        @ParameterizedTest
        @EnumSource(Scheme.class)
        void salts_each_hash_so_the_same_password_hashes_differently(Scheme scheme) {
            String first = hasher.hash(PASSWORD.toCharArray(), scheme);
            String second = hasher.hash(PASSWORD.toCharArray(), scheme);

            assertThat(first).isNotEqualTo(second);
        }

        @Test
        void refuses_bcrypt_passwords_longer_than_72_bytes_instead_of_cutting_them() {
            String stored = hasher.hash("ä".repeat(36).toCharArray(), Scheme.BLF_CRYPT); // 72 bytes

            assertThat(hasher.verify("ä".repeat(36).toCharArray(), stored)).isTrue();
            assertThatThrownBy(() -> hasher.hash(("ä".repeat(36) + "x").toCharArray(), Scheme.BLF_CRYPT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("72 bytes")
                    .hasMessageNotContaining("ä");
        }

        @Test
        void refuses_a_password_with_an_unpaired_surrogate() {
            assertThatThrownBy(() -> hasher.hash("abc\uD83Ddef-ghij".toCharArray(), Scheme.SHA512_CRYPT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("abc");
        }
    }

    @Nested
    class Verify {
        /** Hashes made by other implementations; how each was produced is noted next to it. */
        @ParameterizedTest
        @CsvSource(delimiter = '|', textBlock = """
                # doveadm pw -s SCHEME (Dovecot 2.3.19), password fed on stdin
                Tr0ub4dor&3 horse   | {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$84hOPjfJtzqaitUgw7t2Kw$H0kUqmNjyumS2tc3+IBE19j0NNKExGNvDRwIUGH8tik
                Grüße aus Köln 2024 | {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$2c1yte9dahtAVGZuby2Obw$DEOxeMhNrsJ2PMCKHvGoKobWk1x03yuNNw76EH9N4ZQ
                Tr0ub4dor&3 horse   | {BLF-CRYPT}$2y$05$bGu8z1qZpV1DNSiIvqeu2uZx9SuqRW0oCKviywJdjuPnIdtHO0TDS
                Grüße aus Köln 2024 | {SHA512-CRYPT}$6$sHhWKabjAmkCMMrG$qugH6rMipK0iuUMRK1Aau.G4pyHis4qYRwVO8ZZggTRyauLfnq5p3z7ujbcsBAfoQYynLMN.WmblKjLhWZahp0
                # openssl passwd -6 -stdin (OpenSSL 3)
                Tr0ub4dor&3 horse   | {SHA512-CRYPT}$6$kaCjYDnI1Pr7Z4FJ$0HnM4Cf6jaztrHVMAhFcrgsUsDDLdaQz.o901F/Jopcrwr.ZcQyQdNhqmetsAiJpW8OSIm4XoNkSAVzyNAhoQ.
                # htpasswd -niB -C 10 (Apache 2.4), password fed on stdin
                Tr0ub4dor&3 horse   | {BLF-CRYPT}$2y$10$i4TI1KgAaemCkgqBUwRfEen2pO8kG4u1Jl6Wp21Kyi.EFVmwAEzom
                # OpenBSD bcrypt test vector (as in jBCrypt's TestBCrypt), $2a$
                abc                 | {BLF-CRYPT}$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i
                """)
        void accepts_hashes_made_by_dovecot_openssl_and_htpasswd(String password, String stored) {
            assertThat(hasher.verify(password.toCharArray(), stored)).isTrue();
            assertThat(hasher.verify((password + "!").toCharArray(), stored)).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "",
                "abc",
                "{PLAIN}abc",
                "{SHA512-CRYPT}",
                "{sha512-crypt}$6$kaCjYDnI1Pr7Z4FJ$0HnM4Cf6jaztrHVMAhFcrgsUsDDLdaQz.o901F/Jopcrwr.ZcQyQdNhqmetsAiJpW8OSIm4XoNkSAVzyNAhoQ.",
                "$6$kaCjYDnI1Pr7Z4FJ$0HnM4Cf6jaztrHVMAhFcrgsUsDDLdaQz.o901F/Jopcrwr.ZcQyQdNhqmetsAiJpW8OSIm4XoNkSAVzyNAhoQ.",
                "{SHA512-CRYPT}$6$kaCjYDnI1Pr7Z4FJ$0HnM4Cf6jaztrHVMAhFcrgsUsDDLdaQz",
                "{SHA512-CRYPT}$6$rounds=999999999$kaCjYDnI1Pr7Z4FJ$0HnM4Cf6jaztrHVMAhFcrgsUsDDLdaQz.o901F/Jopcrwr.ZcQyQdNhqmetsAiJpW8OSIm4XoNkSAVzyNAhoQ.",
                "{BLF-CRYPT}$2y$10$i4TI1KgAaemCkgqBUwRfEen2pO8kG4u1Jl6Wp21Kyi.EFVmwAEzo",
                "{BLF-CRYPT}$2y$99$i4TI1KgAaemCkgqBUwRfEen2pO8kG4u1Jl6Wp21Kyi.EFVmwAEzom",
                "{BLF-CRYPT}$2x$10$i4TI1KgAaemCkgqBUwRfEen2pO8kG4u1Jl6Wp21Kyi.EFVmwAEzom",
                "{ARGON2ID}$argon2id$v=19$m=9999999,t=3,p=1$84hOPjfJtzqaitUgw7t2Kw$H0kUqmNjyumS2tc3+IBE19j0NNKExGNvDRwIUGH8tik",
                "{ARGON2ID}$argon2id$v=16$m=65536,t=3,p=1$84hOPjfJtzqaitUgw7t2Kw$H0kUqmNjyumS2tc3+IBE19j0NNKExGNvDRwIUGH8tik",
                "{ARGON2ID}$argon2i$v=19$m=65536,t=3,p=1$84hOPjfJtzqaitUgw7t2Kw$H0kUqmNjyumS2tc3+IBE19j0NNKExGNvDRwIUGH8tik",
                "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$84hOPjfJtzqaitUgw7t2Kw$",
        })
        void rejects_unknown_schemes_and_malformed_or_unreasonable_hashes_without_throwing(String stored) {
            assertThat(hasher.verify("Tr0ub4dor&3 horse".toCharArray(), stored)).isFalse();
        }

        @Test
        void rejects_a_missing_hash() {
            assertThat(hasher.verify("Tr0ub4dor&3 horse".toCharArray(), null)).isFalse();
        }
    }

    @Test
    void scheme_names_are_dovecots() {
        assertThat(Stream.of(Scheme.values()).map(Scheme::prefix))
                .containsExactly("{BLF-CRYPT}", "{ARGON2ID}", "{SHA512-CRYPT}");
        assertThat(Scheme.fromDovecotName("blf-crypt")).contains(Scheme.BLF_CRYPT);
        assertThat(Scheme.fromDovecotName("PLAIN")).isEmpty();
        assertThat(PasswordHasher.schemeOf("{ARGON2ID}$argon2id$…")).contains(Scheme.ARGON2ID);
    }

    /** Dovecot itself, when installed: {@code doveadm pw -t} reads the password from stdin (never argv). */
    @Nested
    class Doveadm {
        @ParameterizedTest
        @EnumSource(Scheme.class)
        void accepts_our_hashes_with_the_right_password_only(Scheme scheme) throws Exception {
            Path doveadm = findOnPath("doveadm");
            Assumptions.assumeTrue(doveadm != null, "doveadm is not installed");
            String stored = hasher.hash(PASSWORD.toCharArray(), scheme);

            assertThat(doveadmVerifies(doveadm, PASSWORD, stored)).isTrue();
            assertThat(doveadmVerifies(doveadm, PASSWORD + "x", stored)).isFalse();
        }

        private static boolean doveadmVerifies(Path doveadm, String password, String stored) throws Exception {
            List<String> command = new ArrayList<>();
            Path setsid = findOnPath("setsid"); // no controlling terminal, so doveadm reads stdin, not /dev/tty
            if (setsid != null) {
                command.add(setsid.toString());
            }
            command.addAll(List.of(doveadm.toString(), "pw", "-t", stored));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write((password + "\n").getBytes(UTF_8));
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("doveadm pw -t did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            assertThat(output).doesNotContain(password);
            return process.exitValue() == 0 && output.contains("(verified)");
        }

        private static Path findOnPath(String name) throws IOException {
            String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/bin";
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toRealPath();
                }
            }
            return null;
        }
    }
}
