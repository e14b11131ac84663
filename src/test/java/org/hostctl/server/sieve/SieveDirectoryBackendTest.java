package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.server.store.Database;
import org.hostctl.server.store.MailRepository;
import org.hostctl.server.store.MailboxRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded backend on its own: without sievec, and against a hostile home. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SieveDirectoryBackendTest {
    @TempDir
    Path tmp;
    Database db;
    MailRepository mail;
    Path root;

    @BeforeEach
    void store() {
        db = Database.open("jdbc:sqlite:" + tmp.resolve("hostd.db"));
        mail = new MailRepository(db);
        new org.hostctl.server.store.AccountRepository(db).create("alice", tmp.toString(), null, Instant.EPOCH);
        mail.addDomain("example.com", "alice", Instant.EPOCH);
        mail.createMailbox(new MailboxRow("ann@example.com", "example.com", 0, true, "example.com/ann", null,
                Instant.EPOCH, null), "{PLAIN}x");
        root = tmp.resolve("vmail");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private DirectoryBackend backend(SieveTools tools) {
        return new DirectoryBackend("embedded", new MailHomes(mail, root), tools);
    }

    @Test
    void without_sievec_only_basic_checks_are_made_and_a_warning_says_so() {
        DirectoryBackend b = backend(new SieveTools(null, null, Duration.ofSeconds(5)));

        assertThat(b.put("ann@example.com", "any", "this is no sieve at all")).containsExactly(
                DirectoryBackend.NOT_COMPILED);
        assertThat(DirectoryBackend.NOT_COMPILED).startsWith("not compiled: sievec is not installed");
        assertThatThrownBy(() -> b.check("ann@example.com", "")).isInstanceOf(SieveCompileException.class);
        assertThatThrownBy(() -> b.check("ann@example.com", "keep;\0")).isInstanceOf(SieveCompileException.class);
        assertThatThrownBy(() -> b.check("ann@example.com", "keep; \ud800")).isInstanceOf(SieveCompileException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> b.check("ann@example.com", "#" + "x".repeat(DirectoryBackend.MAX_SCRIPT_BYTES)))
                .isInstanceOfSatisfying(SieveException.class, e -> assertThat(e.code()).isEqualTo(
                        SieveException.Code.QUOTA));
        assertThat(b.list("ann@example.com")).containsExactly(new SieveBackend.ScriptInfo("any", false));
    }

    @Test
    void a_foreign_active_file_or_a_linked_script_is_not_followed() throws Exception {
        DirectoryBackend b = backend(new SieveTools(null, null, Duration.ofSeconds(5)));
        b.put("ann@example.com", "mine", "keep;");
        Path home = root.resolve("example.com/ann");
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "secret");
        Files.createSymbolicLink(home.resolve("sieve/linked.sieve"), victim);

        assertThat(b.list("ann@example.com")).extracting(SieveBackend.ScriptInfo::name).containsExactly("mine");
        assertThatThrownBy(() -> b.get("ann@example.com", "linked")).isInstanceOf(SieveException.class);
        b.put("ann@example.com", "linked", "discard;");
        assertThat(Files.readString(victim)).as("the rename replaced the link, not its target").isEqualTo("secret");
        assertThat(Files.isSymbolicLink(home.resolve("sieve/linked.sieve"))).isFalse();

        Files.writeString(home.resolve(".dovecot.sieve"), "keep;");
        assertThatThrownBy(() -> b.activate("ann@example.com", "mine")).isInstanceOf(SieveException.class)
                .hasMessageContaining("not a link");
        assertThat(Files.readString(home.resolve(".dovecot.sieve"))).isEqualTo("keep;");
    }

    @Test
    void names_that_cannot_be_one_file_are_refused() {
        DirectoryBackend b = backend(new SieveTools(null, null, Duration.ofSeconds(5)));

        for (String bad : List.of("..", "a/b", "ü".repeat(125))) {
            assertThatThrownBy(() -> b.put("ann@example.com", bad, "keep;")).as(bad)
                    .isInstanceOfSatisfying(SieveException.class, e -> assertThat(e.code()).isEqualTo(
                            SieveException.Code.INVALID_NAME));
        }
    }
}
