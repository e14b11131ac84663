package org.hostctl.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AccountRepositoryTest {
    private static final Instant NOW = Instant.parse("2026-11-28T19:00:00Z");
    private static final Docroot PUBLIC_HTML = new Docroot("public_html", "http://127.0.0.1:18080/");

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
        AccountRepository accounts;

        @BeforeEach
        void createRepository() {
            accounts = new AccountRepository(db);
        }

        @Test
        void a_created_account_is_found_by_name() {
            Account created = accounts.create("alice", "/srv/www/alice", "8.2", NOW);

            assertThat(accounts.find("alice")).contains(created);
            assertThat(created).isEqualTo(new Account("alice", "/srv/www/alice", "8.2", NOW, List.of()));
        }

        @Test
        void an_unknown_account_is_not_found() {
            assertThat(accounts.find("nobody")).isEmpty();
        }

        @Test
        void created_at_is_stored_as_utc_text_with_second_precision() {
            Account created = accounts.create("alice", "/srv/www/alice", null, Instant.parse("2026-11-28T19:00:00.987654Z"));

            assertThat(created.createdAt()).isEqualTo(NOW);
            String stored = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM account WHERE name = ?")) {
                    ps.setString(1, "alice");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            assertThat(stored).isEqualTo("2026-11-28T19:00:00Z");
        }

        @Test
        void list_returns_all_accounts_by_name_with_their_docroots_by_path() {
            accounts.create("carol", "/srv/www/carol", null, NOW);
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.create("bob", "/srv/www/bob", "8.3", NOW);
            accounts.addDocroot("alice", new Docroot("shop/public", "http://127.0.0.1:18080/shop/"));
            accounts.addDocroot("alice", PUBLIC_HTML);

            List<Account> all = accounts.list();

            assertThat(all).extracting(Account::name).containsExactly("alice", "bob", "carol");
            assertThat(all.get(0).docroots()).extracting(Docroot::path).containsExactly("public_html", "shop/public");
            assertThat(all.get(1).docroots()).isEmpty();
            assertThat(all.get(1).phpDefault()).isEqualTo("8.3");
        }

        @Test
        void list_of_an_empty_store_is_empty() {
            assertThat(accounts.list()).isEmpty();
        }

        @Test
        void a_duplicate_account_is_rejected_with_a_duplicate_exception_naming_it() {
            accounts.create("alice", "/srv/www/alice", null, NOW);

            assertThatThrownBy(() -> accounts.create("alice", "/srv/www/other", null, NOW))
                    .isInstanceOf(DuplicateException.class)
                    .hasMessage("account 'alice' already exists");
            assertThat(accounts.find("alice")).get().extracting(Account::webspace).isEqualTo("/srv/www/alice");
        }

        @Test
        void delete_removes_the_account_and_reports_whether_it_existed() {
            accounts.create("alice", "/srv/www/alice", null, NOW);

            assertThat(accounts.delete("alice")).isTrue();
            assertThat(accounts.delete("alice")).isFalse();
            assertThat(accounts.find("alice")).isEmpty();
        }

        @Test
        void deleting_an_account_deletes_its_docroots() {
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.addDocroot("alice", PUBLIC_HTML);

            accounts.delete("alice");

            assertThat(accounts.docroots("alice")).isEmpty();
            accounts.create("alice", "/srv/www/alice", null, NOW);
            assertThat(accounts.find("alice").orElseThrow().docroots()).isEmpty();
        }

        @Test
        void the_php_default_can_be_set_and_cleared() {
            accounts.create("alice", "/srv/www/alice", null, NOW);

            assertThat(accounts.setPhpDefault("alice", "8.3")).isTrue();
            assertThat(accounts.find("alice")).get().extracting(Account::phpDefault).isEqualTo("8.3");

            assertThat(accounts.setPhpDefault("alice", null)).isTrue();
            assertThat(accounts.find("alice")).get().extracting(Account::phpDefault).isNull();
        }

        @Test
        void setting_the_php_default_of_an_unknown_account_reports_false() {
            assertThat(accounts.setPhpDefault("nobody", "8.3")).isFalse();
        }

        @Test
        void docroots_can_be_added_listed_and_removed() {
            accounts.create("alice", "/srv/www/alice", null, NOW);
            Docroot blog = new Docroot("blog", "https://blog.example.com/");

            assertThat(accounts.addDocroot("alice", PUBLIC_HTML)).isEqualTo(PUBLIC_HTML);
            accounts.addDocroot("alice", blog);
            assertThat(accounts.docroots("alice")).containsExactly(blog, PUBLIC_HTML);
            assertThat(accounts.find("alice")).get().extracting(Account::docroots).isEqualTo(List.of(blog, PUBLIC_HTML));

            assertThat(accounts.removeDocroot("alice", "blog")).isTrue();
            assertThat(accounts.removeDocroot("alice", "blog")).isFalse();
            assertThat(accounts.docroots("alice")).containsExactly(PUBLIC_HTML);
        }

        @Test
        void the_same_docroot_path_twice_is_rejected_with_a_duplicate_exception() {
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.addDocroot("alice", PUBLIC_HTML);

            assertThatThrownBy(() -> accounts.addDocroot("alice", new Docroot("public_html", "http://other/")))
                    .isInstanceOf(DuplicateException.class)
                    .hasMessage("docroot 'public_html' of account 'alice' already exists");
        }

        @Test
        void the_same_docroot_path_in_two_accounts_is_allowed() {
            accounts.create("alice", "/srv/www/alice", null, NOW);
            accounts.create("bob", "/srv/www/bob", null, NOW);

            accounts.addDocroot("alice", PUBLIC_HTML);
            accounts.addDocroot("bob", PUBLIC_HTML);

            assertThat(accounts.docroots("bob")).containsExactly(PUBLIC_HTML);
        }

        @Test
        void a_docroot_for_an_unknown_account_is_rejected_as_not_found() {
            assertThatThrownBy(() -> accounts.addDocroot("nobody", PUBLIC_HTML))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("account 'nobody' not found");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "Alice", "9lives", "a/b", "a b", "..", "abcdefghijklmnopqrstuvwxyz0123456"})
        void the_schema_rejects_malformed_account_names(String name) {
            assertThatThrownBy(() -> accounts.create(name, "/srv/www/x", null, NOW))
                    .isExactlyInstanceOf(StoreException.class);
            assertThat(accounts.list()).isEmpty();
        }

        @Test
        void the_schema_rejects_a_relative_webspace_and_an_absolute_docroot_path() {
            assertThatThrownBy(() -> accounts.create("alice", "srv/www/alice", null, NOW))
                    .isExactlyInstanceOf(StoreException.class);
            accounts.create("alice", "/srv/www/alice", null, NOW);
            assertThatThrownBy(() -> accounts.addDocroot("alice", new Docroot("/etc", "http://127.0.0.1/")))
                    .isExactlyInstanceOf(StoreException.class);
            assertThatThrownBy(() -> accounts.addDocroot("alice", new Docroot("ftp", "ftp://127.0.0.1/")))
                    .isExactlyInstanceOf(StoreException.class);
        }

        @Test
        void sql_metacharacters_and_emoji_in_values_read_back_unchanged() {
            String tricky = "it's \"quoted\" \\ back\\slash 100% _under_ ; DROP TABLE account; -- 🦄 ü";
            accounts.create("alice", "/srv/www/" + tricky, tricky, NOW);
            Docroot docroot = new Docroot("dir/" + tricky, "http://127.0.0.1:18080/" + tricky);
            accounts.addDocroot("alice", docroot);

            Account found = accounts.find("alice").orElseThrow();

            assertThat(found.webspace()).isEqualTo("/srv/www/" + tricky);
            assertThat(found.phpDefault()).isEqualTo(tricky);
            assertThat(found.docroots()).containsExactly(docroot);
            assertThat(accounts.find("alice' OR '1'='1")).isEmpty();
            assertThat(accounts.find("%")).isEmpty();
            assertThat(accounts.removeDocroot("alice", "dir/%")).isFalse();
            assertThat(accounts.removeDocroot("alice", docroot.path())).isTrue();
        }
    }
}
