package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.hostctl.server.Hostd;
import org.hostctl.support.Fixtures;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule added with {@code hostctl sieve rule add} really sorts mail on a private Dovecot (ManageSieve, LMTP with
 * Pigeonhole), and disabling it the webmail's way really stops it.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SieveRulesOnDovecotTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String MASTER = "Master-Sieve-Secret-61";
    static final String ALICE = "alice@example.com";

    TestHostd hostd;
    DovecotFixture dovecot;
    Hostctl shop;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Fixtures.CLOCK).close();
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, data.resolve(Hostd.SQLITE_FILE).toString())
                .masterPassword(MASTER).start();
        Path secret = tmp.resolve("sieve-master.secret");
        Files.writeString(secret, MASTER + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String config = Fixtures.CONFIG + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n"
                + "sieve:\n  defaultBackend: mx\n  backends:\n"
                + SieveOnDovecotTest.backend("mx", dovecot, secret, "example.com");
        hostd = TestHostd.start(data, config, Fixtures.CLOCK);
        hostd.addAccount("shop", Files.createDirectories(tmp.resolve("shop")), List.of());
        hostd.hostd().mailboxes().addDomain("shop", "example.com");
        shop = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("shop", false));
        ok(shop.runWithStdin(PASSWORD + "\n", "mailbox", "create", ALICE, "--password-stdin"));
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    static HostctlRun ok(HostctlRun r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private void deliver(String message) throws IOException {
        try (LmtpClient lmtp = dovecot.lmtp()) {
            lmtp.lhlo("test.example");
            lmtp.mailFrom("sender@other.example");
            assertThat(lmtp.rcptTo(ALICE).positive()).isTrue();
            assertThat(lmtp.data(message)).allMatch(LmtpClient.Reply::positive);
        }
    }

    private long count(String folder) throws IOException {
        try (ImapClient imap = dovecot.imap()) {
            assertThat(imap.login(ALICE, PASSWORD).ok()).isTrue();
            return imap.status(folder, "MESSAGES").getOrDefault("MESSAGES", -1L);
        }
    }

    private static String zip(String id) {
        return SieveOnDovecotTest.zipMessage("<" + id + "@other.example>").replace("ann@a.example", ALICE);
    }

    private static String plain(String id) {
        return "From: sender@other.example\r\nTo: " + ALICE + "\r\nSubject: plain\r\nMessage-ID: <" + id
                + "@other.example>\r\n\r\njust text, no attachment\r\n";
    }

    @Test
    void the_zip_rule_files_zip_attachments_into_archive_and_disabled_it_files_nothing() throws IOException {
        ok(shop.run("sieve", "rule", "add", ALICE, "zip attachments", "--body-raw", "--regex", "filename=\".+\\.zip\"",
                "--fileinto", "Archive", "--create"));
        assertThat(ok(shop.run("sieve", "list", ALICE)).out()).contains("roundcube  yes");

        deliver(zip("zip-1"));
        deliver(plain("plain-1"));

        assertThat(count("Archive")).isEqualTo(1);
        assertThat(count("INBOX")).isEqualTo(1);

        ok(shop.run("sieve", "rule", "disable", ALICE, "zip attachments"));
        assertThat(ok(shop.run("sieve", "get", ALICE, "roundcube")).out()).contains("if false # body :raw :regex");
        deliver(zip("zip-2"));
        deliver(plain("plain-2"));

        assertThat(count("Archive")).isEqualTo(1);
        assertThat(count("INBOX")).isEqualTo(3);

        ok(shop.run("sieve", "rule", "enable", ALICE, "zip attachments"));
        deliver(zip("zip-3"));
        assertThat(count("Archive")).isEqualTo(2);
    }
}
