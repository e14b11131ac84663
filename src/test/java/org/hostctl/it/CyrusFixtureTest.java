package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The private Cyrus the mail backend tests run against, started from the provider kit's files. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CyrusFixtureTest {
    static final String ADMIN_PASSWORD = "admin \"pw\" \\ 1";
    static final String PROXY_PASSWORD = "proxy pw 2";

    private static CyrusFixture cyrus;

    @BeforeAll
    static void start() throws IOException {
        CyrusFixture.assumeAvailable();
        cyrus = CyrusFixture.start(ADMIN_PASSWORD, PROXY_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (cyrus != null) {
            cyrus.close();
            assertThat(cyrus.dir()).doesNotExist();
        }
    }

    @Test
    void the_admin_creates_a_mailbox_and_sets_its_quota() throws IOException {
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.greeting()).contains("Cyrus IMAP");
            assertThat(imap.login(CyrusFixture.ADMIN, "wrong").ok()).isFalse();
            assertThat(imap.login(CyrusFixture.ADMIN, ADMIN_PASSWORD).ok()).isTrue();
            assertThat(imap.command("CREATE \"user/carol@b.example\"").ok()).isTrue();
            assertThat(imap.command("SETQUOTA \"user/carol@b.example\" (STORAGE 100)").ok()).isTrue();
            ImapClient.Response root = imap.getQuotaRoot("user/carol@b.example");
            assertThat(root.ok()).isTrue();
            assertThat(root.untagged()).contains("* QUOTA user/carol@b.example (STORAGE 0 100)");
        }
    }

    @Test
    void the_proxy_user_acts_for_a_mailbox_that_cannot_log_in_itself() throws IOException {
        try (ImapClient admin = cyrus.imap()) {
            admin.login(CyrusFixture.ADMIN, ADMIN_PASSWORD);
            assertThat(admin.command("CREATE \"user/dave.d@b.example\"").ok()).isTrue();
        }
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.login("dave.d@b.example", PROXY_PASSWORD).ok()).isFalse();
        }
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain("dave.d@b.example", CyrusFixture.PROXY, "wrong").ok()).isFalse();
        }
        try (ImapClient imap = cyrus.imap()) {
            assertThat(imap.authenticatePlain("dave.d@b.example", CyrusFixture.PROXY, PROXY_PASSWORD).ok()).isTrue();
            assertThat(imap.select("INBOX").ok()).isTrue();
        }
    }

    @Test
    void lmtp_on_the_socket_delivers_to_the_mailbox() throws IOException {
        try (ImapClient admin = cyrus.imap()) {
            admin.login(CyrusFixture.ADMIN, ADMIN_PASSWORD);
            assertThat(admin.command("CREATE \"user/erin@b.example\"").ok()).isTrue();
        }
        try (LmtpClient lmtp = cyrus.lmtp()) {
            assertThat(lmtp.lhlo("test").positive()).isTrue();
            assertThat(lmtp.mailFrom("sender@a.example").positive()).isTrue();
            assertThat(lmtp.rcptTo("erin@b.example").positive()).isTrue();
            assertThat(lmtp.data("Subject: hello erin\n\nbody\n")).allMatch(LmtpClient.Reply::positive);
        }
        try (ImapClient imap = cyrus.imap()) {
            imap.authenticatePlain("erin@b.example", CyrusFixture.PROXY, PROXY_PASSWORD);
            assertThat(imap.select("INBOX").ok()).isTrue();
            assertThat(imap.fetchSubjects()).containsExactly("hello erin");
        }
    }

    @Test
    void pop3_lets_the_proxy_user_act_for_a_mailbox_that_cannot_log_in_itself() throws IOException {
        try (ImapClient admin = cyrus.imap()) {
            admin.login(CyrusFixture.ADMIN, ADMIN_PASSWORD);
            assertThat(admin.command("CREATE \"user/gail@b.example\"").ok()).isTrue();
        }
        try (LmtpClient lmtp = cyrus.lmtp()) {
            assertThat(lmtp.lhlo("test").positive()).isTrue();
            assertThat(lmtp.mailFrom("sender@a.example").positive()).isTrue();
            assertThat(lmtp.rcptTo("gail@b.example").positive()).isTrue();
            assertThat(lmtp.data("Subject: hello gail\n\nbody\n")).allMatch(LmtpClient.Reply::positive);
        }
        try (Pop3Client pop3 = cyrus.pop3()) {
            assertThat(pop3.login("gail@b.example", PROXY_PASSWORD).ok()).isFalse();
        }
        try (Pop3Client pop3 = cyrus.pop3()) {
            assertThat(pop3.authenticatePlain("gail@b.example", CyrusFixture.PROXY, "wrong").ok()).isFalse();
        }
        try (Pop3Client pop3 = cyrus.pop3()) {
            assertThat(pop3.greeting()).contains("Cyrus POP3");
            Pop3Client.Reply auth = pop3.authenticatePlain("gail@b.example", CyrusFixture.PROXY, PROXY_PASSWORD);
            assertThat(auth.ok()).as(auth.toString()).isTrue();
            assertThat(pop3.stat().messages()).isEqualTo(1);
            assertThat(Pop3Client.subject(pop3.retr(1))).isEqualTo("hello gail");
            assertThat(pop3.quit().ok()).isTrue();
        }
    }

    @Test
    void managesieve_greets() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", cyrus.sievePort());
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                     StandardCharsets.UTF_8))) {
            socket.setSoTimeout(5000);
            String greeting = "";
            for (String line = in.readLine(); line != null && !line.startsWith("OK"); line = in.readLine()) {
                greeting += line + "\n";
            }
            assertThat(greeting).contains("\"IMPLEMENTATION\" \"Cyrus timsieved");
        }
    }

    @Test
    void stop_and_restart_keep_the_mail() throws IOException {
        try (ImapClient admin = cyrus.imap()) {
            admin.login(CyrusFixture.ADMIN, ADMIN_PASSWORD);
            admin.command("CREATE \"user/frank@b.example\"");
        }
        cyrus.stop();
        assertThat(cyrus.running()).isFalse();
        assertThat(FixtureSupport.accepts(cyrus.imapPort())).isFalse();
        cyrus.restart();
        try (ImapClient admin = cyrus.imap()) {
            admin.login(CyrusFixture.ADMIN, ADMIN_PASSWORD);
            assertThat(admin.command("LIST \"\" \"user/frank@b.example\"").untagged())
                    .anyMatch(l -> l.endsWith("user/frank@b.example"));
        }
        assertThat(Files.isDirectory(cyrus.dir().resolve("spool"))).isTrue();
    }
}
