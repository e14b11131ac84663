package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hostctl.server.auth.TokenSecrets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TokenRepositoryTest {
    private static final Instant NOW = Instant.parse("2026-11-28T19:00:00Z");

    @Nested
    class On_SQLite extends Cases {
        @Override
        String newDatabaseUrl() {
            return newSqliteUrl();
        }
    }

    @Nested
    class On_PostgreSQL extends Cases {
        @Override
        String newDatabaseUrl() {
            return newPostgresUrl();
        }
    }

    abstract static class Cases extends RepositoryTestSupport {
        final TokenSecrets secrets = new TokenSecrets(new SecureRandom());
        AccountRepository accounts;
        TokenRepository tokens;

        @BeforeEach
        void createRepositoriesAndAccounts() {
            accounts = new AccountRepository(db);
            tokens = new TokenRepository(db);
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.create("bob", "/srv/www/bob", null, NOW);
        }

        @Test
        void a_token_is_found_by_the_hash_of_its_secret() {
            TokenSecrets.NewToken token = secrets.generate();
            TokenRow created = tokens.create(token.id(), "alice", token.sha256Hex(), true, "deploy bot", NOW);

            TokenRow found = tokens.findBySecretHash(secrets.sha256Hex(token.secret())).orElseThrow();

            assertThat(found).isEqualTo(created);
            assertThat(found).isEqualTo(new TokenRow(token.id(), "alice", true, "deploy bot", NOW, null, null));
            assertThat(tokens.find(token.id())).contains(created);
        }

        @Test
        void a_token_keeps_its_expiry_to_the_second_and_a_token_without_one_never_expires() {
            TokenRow expiring = tokens.create("tok_expiring", "alice", hash('e'), false, null, NOW,
                    NOW.plusSeconds(90 * 86400).plusNanos(299_510_484));
            TokenRow forever = tokens.create("tok_forever1", "alice", hash('f'), false, null, NOW);

            assertThat(tokens.find("tok_expiring").orElseThrow().expiresAt())
                    .isEqualTo(expiring.expiresAt()).isEqualTo(Instant.parse("2027-02-26T19:00:00Z"));
            assertThat(tokens.findBySecretHash(hash('f')).orElseThrow()).isEqualTo(forever);
            assertThat(forever.expiresAt()).isNull();
            assertThat(expiring.expired(Instant.parse("2027-02-26T18:59:59Z"))).isFalse();
            assertThat(expiring.expired(Instant.parse("2027-02-26T19:00:00Z"))).isTrue();
            assertThat(forever.expired(Instant.MAX)).isFalse();
        }

        @Test
        void an_unknown_hash_finds_nothing() {
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);

            assertThat(tokens.findBySecretHash(hash('b'))).isEmpty();
            assertThat(tokens.findBySecretHash("' OR '1'='1")).isEmpty();
            assertThat(tokens.findBySecretHash("%")).isEmpty();
        }

        @Test
        void only_the_hash_of_the_secret_is_stored() {
            TokenSecrets.NewToken token = secrets.generate();
            tokens.create(token.id(), "alice", token.sha256Hex(), false, null, NOW);

            List<String> values = db.withConnection(c -> {
                List<String> all = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM api_token")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            all.add(rs.getString(i));
                        }
                    }
                }
                return all;
            });
            assertThat(values).contains(token.sha256Hex()).noneMatch(v -> v != null && v.contains(token.secret()));
        }

        @Test
        void list_for_account_returns_only_that_accounts_tokens_oldest_first() {
            tokens.create("tok_cccccccc", "alice", hash('c'), false, null, NOW.plusSeconds(60));
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);
            tokens.create("tok_bbbbbbbb", "bob", hash('b'), false, null, NOW);

            assertThat(tokens.listForAccount("alice")).extracting(TokenRow::id)
                    .containsExactly("tok_aaaaaaaa", "tok_cccccccc");
            assertThat(tokens.listForAccount("nobody")).isEmpty();
        }

        @Test
        void revoke_deletes_the_token_and_reports_whether_it_existed() {
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);

            assertThat(tokens.revoke("tok_aaaaaaaa")).isTrue();
            assertThat(tokens.revoke("tok_aaaaaaaa")).isFalse();
            assertThat(tokens.findBySecretHash(hash('a'))).isEmpty();
        }

        @Test
        void deleting_the_account_deletes_its_tokens() {
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);
            tokens.create("tok_bbbbbbbb", "bob", hash('b'), false, null, NOW);

            accounts.delete("alice");

            assertThat(tokens.findBySecretHash(hash('a'))).isEmpty();
            assertThat(tokens.find("tok_aaaaaaaa")).isEmpty();
            assertThat(tokens.findBySecretHash(hash('b'))).isPresent();
        }

        @Test
        void a_duplicate_id_is_rejected_with_a_duplicate_exception_naming_it() {
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);

            assertThatThrownBy(() -> tokens.create("tok_aaaaaaaa", "alice", hash('b'), false, null, NOW))
                    .isInstanceOf(DuplicateException.class)
                    .hasMessage("token 'tok_aaaaaaaa' already exists");
        }

        @Test
        void a_duplicate_secret_is_rejected_with_a_duplicate_exception() {
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);

            assertThatThrownBy(() -> tokens.create("tok_bbbbbbbb", "bob", hash('a'), false, null, NOW))
                    .isInstanceOf(DuplicateException.class)
                    .hasMessage("a token with this secret already exists");
        }

        @Test
        void a_token_for_an_unknown_account_is_rejected_as_not_found() {
            assertThatThrownBy(() -> tokens.create("tok_aaaaaaaa", "nobody", hash('a'), false, null, NOW))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("account 'nobody' not found");
        }

        @Test
        void the_read_only_flag_and_a_description_with_metacharacters_round_trip() {
            String description = "CI's \"deploy\" \\ 100% _x_ 🚀";
            tokens.create("tok_aaaaaaaa", "alice", hash('a'), true, description, NOW);
            tokens.create("tok_bbbbbbbb", "alice", hash('b'), false, null, NOW);

            assertThat(tokens.find("tok_aaaaaaaa")).get()
                    .satisfies(t -> {
                        assertThat(t.readOnly()).isTrue();
                        assertThat(t.description()).isEqualTo(description);
                    });
            assertThat(tokens.find("tok_bbbbbbbb")).get()
                    .satisfies(t -> {
                        assertThat(t.readOnly()).isFalse();
                        assertThat(t.description()).isNull();
                    });
        }

        @Test
        void touch_records_the_last_use_and_skips_writes_within_the_interval() {
            TokenRow token = tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);
            Instant firstUse = NOW.plusSeconds(10);

            assertThat(tokens.touch(token, firstUse)).isTrue();
            TokenRow used = tokens.find(token.id()).orElseThrow();
            assertThat(used.lastUsedAt()).isEqualTo(firstUse);

            assertThat(tokens.touch(used, firstUse.plusSeconds(30))).isFalse();
            // A stale copy of the row does not make a concurrent request write again either.
            assertThat(tokens.touch(token, firstUse.plusSeconds(30))).isFalse();
            assertThat(tokens.find(token.id()).orElseThrow().lastUsedAt()).isEqualTo(firstUse);

            Instant later = firstUse.plus(TokenRepository.TOUCH_INTERVAL).plusSeconds(1);
            assertThat(tokens.touch(used, later)).isTrue();
            assertThat(tokens.find(token.id()).orElseThrow().lastUsedAt()).isEqualTo(later);
        }

        @Test
        void touching_a_revoked_token_changes_nothing() {
            TokenRow token = tokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);
            tokens.revoke(token.id());

            assertThat(tokens.touch(token, NOW.plusSeconds(10))).isFalse();
        }

        @Test
        void touch_does_not_throw_when_the_database_is_gone() {
            Database own = open(newDatabaseUrl());
            new AccountRepository(own).create("alice", "/srv/www/alice", null, NOW);
            TokenRepository ownTokens = new TokenRepository(own);
            TokenRow token = ownTokens.create("tok_aaaaaaaa", "alice", hash('a'), false, null, NOW);
            own.close();

            assertThat(ownTokens.touch(token, NOW.plusSeconds(10))).isFalse();
        }

        private static String hash(char c) {
            return String.valueOf(c).repeat(64);
        }
    }
}
