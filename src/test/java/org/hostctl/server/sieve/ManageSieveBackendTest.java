package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.hostctl.it.DovecotFixture;
import org.hostctl.server.mail.PasswordHasher;
import org.hostctl.server.sieve.ManageSieveClient.Settings;
import org.hostctl.server.sieve.ManageSieveClient.Tls;
import org.hostctl.server.sieve.SieveBackend.ScriptInfo;
import org.hostctl.server.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@link ManageSieveBackend} against a private Dovecot/Pigeonhole whose mailboxes come from a real hostd store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManageSieveBackendTest {
    static final String MASTER_PASSWORD = "Granite-Willow-Beacon-28";
    static final String ALICE = "alice@example.com";
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration LIMIT = Duration.ofSeconds(10);

    static final String ZIP_RULE = """
            # Zip-Anhänge → „Archive“ ✓ 😀
            require ["fileinto","body","regex","mailbox"];
            if body :raw :regex "filename=\\".+\\\\.zip\\"" { fileinto :create "Archive"; }
            """;
    /** Line 3 lacks its ';', so the parser fails at line 4. */
    static final String BROKEN = """
            require "fileinto";
            if true {
              fileinto "A"
            }
            """;

    Path dbFile;
    Database db;
    DovecotFixture dovecot;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        dbFile = tmp.resolve("hostd.sqlite");
        db = Database.open("jdbc:sqlite:" + dbFile);
        PasswordHasher hasher = new PasswordHasher();
        db.tx(c -> {
            c.createStatement().execute("INSERT INTO account (name, webspace, created_at)"
                    + " VALUES ('alice', '/srv/alice', '2025-01-01T00:00:00Z')");
            c.createStatement().execute("INSERT INTO domain (name, account, created_at)"
                    + " VALUES ('example.com', 'alice', '2025-01-01T00:00:00Z')");
            for (String user : List.of("alice", "bob", "dora")) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO mailbox (email, domain, password, active,"
                        + " maildir, created_at) VALUES (?, 'example.com', ?, ?, ?, '2025-01-01T00:00:00Z')")) {
                    p.setString(1, user + "@example.com");
                    p.setString(2, hasher.hash((user + "-pw").toCharArray(), PasswordHasher.Scheme.SHA512_CRYPT));
                    p.setInt(3, user.equals("dora") ? 0 : 1);
                    p.setString(4, "example.com/" + user);
                    p.executeUpdate();
                }
            }
            return null;
        });
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, dbFile.toString())
                .masterPassword(MASTER_PASSWORD).start();
    }

    @AfterAll
    void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
        if (db != null) {
            db.close();
        }
    }

    ManageSieveBackend backend(DovecotFixture d, Tls tls, Path caFile, String password) {
        Settings settings = Settings.of("mx-test", "127.0.0.1", d.sievePort(), tls, caFile)
                .withTimeouts(TIMEOUT, TIMEOUT);
        return new ManageSieveBackend(settings, DovecotFixture.MASTER_USER, password.toCharArray(), 1024 * 1024);
    }

    ManageSieveBackend backend() {
        return backend(dovecot, Tls.NONE, null, MASTER_PASSWORD);
    }

    @Test
    void a_script_lives_through_put_check_activate_rename_and_delete() throws IOException {
        ManageSieveBackend sieve = backend();
        assertThat(sieve.list(ALICE)).isEmpty();

        assertThat(sieve.put(ALICE, "zip", ZIP_RULE)).isEmpty();
        assertThat(sieve.list(ALICE)).containsExactly(new ScriptInfo("zip", false));
        assertThat(sieve.get(ALICE, "zip")).isEqualTo(ZIP_RULE);
        Path onDisk = dovecot.vmailRoot().resolve("example.com/alice/sieve/zip.sieve");
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(ZIP_RULE.getBytes(StandardCharsets.UTF_8));

        assertThat(sieve.check(ALICE, ZIP_RULE)).isEmpty();
        SieveCompileException checked = assertThrows(SieveCompileException.class, () -> sieve.check(ALICE, BROKEN));
        assertThat(checked.errors().get(0)).startsWith("line 4: error: expected end of command ';'");
        SieveCompileException put = assertThrows(SieveCompileException.class, () -> sieve.put(ALICE, "zip", BROKEN));
        assertThat(put.errors()).isEqualTo(checked.errors());
        assertThat(sieve.get(ALICE, "zip")).as("a failed PUTSCRIPT keeps the old script").isEqualTo(ZIP_RULE);

        sieve.activate(ALICE, "zip");
        assertThat(sieve.put(ALICE, "second", "keep;\n")).isEmpty();
        assertThat(sieve.list(ALICE)).containsExactlyInAnyOrder(new ScriptInfo("zip", true),
                new ScriptInfo("second", false));
        assertThat(Files.readSymbolicLink(dovecot.vmailRoot().resolve("example.com/alice/.dovecot.sieve")))
                .hasToString("sieve/zip.sieve");

        sieve.rename(ALICE, "zip", "Zip-Archiv ü");
        assertThat(sieve.list(ALICE)).containsExactlyInAnyOrder(new ScriptInfo("Zip-Archiv ü", true),
                new ScriptInfo("second", false));
        assertThat(sieve.get(ALICE, "Zip-Archiv ü")).isEqualTo(ZIP_RULE);
        assertCode(SieveException.Code.ALREADYEXISTS, () -> sieve.rename(ALICE, "second", "Zip-Archiv ü"));
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.rename(ALICE, "zip", "other"));

        assertCode(SieveException.Code.ACTIVE, () -> sieve.delete(ALICE, "Zip-Archiv ü"));
        sieve.delete(ALICE, "second");
        assertThat(sieve.list(ALICE)).containsExactly(new ScriptInfo("Zip-Archiv ü", true));

        sieve.activate(ALICE, null);
        sieve.activate(ALICE, null);
        assertThat(sieve.list(ALICE)).containsExactly(new ScriptInfo("Zip-Archiv ü", false));
        sieve.delete(ALICE, "Zip-Archiv ü");
        assertThat(sieve.list(ALICE)).isEmpty();
    }

    @Test
    void missing_scripts_bad_names_and_unknown_mailboxes_are_refused_with_their_codes() {
        ManageSieveBackend sieve = backend();
        String bob = "bob@example.com";
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.get(bob, "nope"));
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.delete(bob, "nope"));
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.activate(bob, "nope"));
        assertCode(SieveException.Code.INVALID_NAME, () -> sieve.put(bob, "bad name/with slash", "keep;"));
        assertCode(SieveException.Code.INVALID_NAME, () -> sieve.get(bob, "line\nbreak"));
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.list("ghost@example.com"));
        assertCode(SieveException.Code.NONEXISTENT, () -> sieve.list("dora@example.com"));
        assertThat(sieve.list(bob)).isEmpty();
    }

    @Test
    void the_server_refusing_a_name_is_invalid_name_not_a_compile_error() {
        // Dovecot answers a codeless NO "Invalid Sieve script name ..." for names hostd itself would pass on.
        try (ManageSieveClient c = ManageSieveClient.connect(Settings.of("mx-test", "127.0.0.1",
                dovecot.sievePort(), Tls.NONE, null).withTimeouts(TIMEOUT, TIMEOUT))) {
            c.authenticatePlain("bob@example.com", DovecotFixture.MASTER_USER, MASTER_PASSWORD.toCharArray());
            ManageSieveClient.RefusedException e = assertThrows(ManageSieveClient.RefusedException.class,
                    () -> c.putScript("bad name/with slash", "keep;"));
            assertThat(e.response().code()).isNull();
            assertThat(e.response().text()).startsWith("Invalid Sieve script name");
            assertThat(backend().map(e, "bad name/with slash").code()).isEqualTo(SieveException.Code.INVALID_NAME);
        }
    }

    @Test
    void a_wrong_master_password_is_a_backend_problem_not_a_missing_mailbox() {
        SieveUnavailableException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                SieveUnavailableException.class, () -> backend(dovecot, Tls.NONE, null, "wrong").list(ALICE)));
        assertThat(e.getMessage()).contains("mx-test", "master user login").doesNotContain("wrong");
    }

    @Test
    void starttls_is_verified_against_the_configured_ca_and_a_stopped_backend_is_unavailable() throws IOException {
        Path tmp = Files.createTempDirectory("hostd-sieve-tls");
        try (DovecotFixture tls = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, dbFile.toString())
                .masterPassword(MASTER_PASSWORD).ssl(true).start()) {
            Path ca = tmp.resolve("ca.pem");
            Files.copy(tls.certificate(), ca);
            ManageSieveBackend verified = backend(tls, Tls.STARTTLS, ca, MASTER_PASSWORD);
            assertThat(verified.put("bob@example.com", "tls", "keep;\n")).isEmpty();
            assertThat(verified.list("bob@example.com")).containsExactly(new ScriptInfo("tls", false));

            long logBefore = Files.size(tls.logFile());
            SieveUnavailableException untrusted = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                    SieveUnavailableException.class,
                    () -> backend(tls, Tls.STARTTLS, null, MASTER_PASSWORD).list("bob@example.com")));
            assertThat(untrusted.getMessage()).contains("mx-test", "TLS handshake", "certificate");
            String log = awaitLog(tls, logBefore, "no auth attempts");
            assertThat(log).as("no credential was sent").contains("no auth attempts")
                    .doesNotContain("user=<bob@example.com>");

            tls.stop();
            long start = System.nanoTime();
            SieveUnavailableException down = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(SieveUnavailableException.class, () -> verified.list("bob@example.com")));
            assertThat(down.getMessage()).contains("mail backend mx-test", "cannot connect");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
        } finally {
            Files.deleteIfExists(tmp.resolve("ca.pem"));
            Files.deleteIfExists(tmp);
        }
    }

    static void assertCode(SieveException.Code code, Executable action) {
        assertThatThrownBy(() -> assertTimeoutPreemptively(LIMIT, action))
                .isInstanceOfSatisfying(SieveException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    /** The log written since {@code offset}, once it contains {@code marker} (or after 5 s). */
    static String awaitLog(DovecotFixture d, long offset, String marker) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            byte[] all = Files.readAllBytes(d.logFile());
            String tail = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
            if (tail.contains(marker) || System.nanoTime() > deadline) {
                return tail;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return tail;
            }
        }
    }
}
