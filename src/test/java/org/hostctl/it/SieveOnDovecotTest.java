package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostctl sieve → hostd → ManageSieve on two private Dovecot backends: domain a.example on mx-a, b.example on mx-b.
 * Filters really sort mail at LMTP delivery; a backend that goes down is named, and the other keeps working.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SieveOnDovecotTest {
    static final String PASSWORD = "Kettle-Lantern-Orbit-93";
    static final String MASTER = "Master-Sieve-Secret-61";
    static final String ZIP_RULE = "require [\"fileinto\",\"body\",\"regex\",\"mailbox\"];\n"
            + "if body :raw :regex \"filename=\\\".+\\\\.zip\\\"\" { fileinto :create \"Archive\"; }\n";
    static final String BROKEN = "require [\"fileinto\"];\nif true {\n  fileinto \"A\"\n}\n";

    TestHostd hostd;
    DovecotFixture mxA;
    DovecotFixture mxB;
    Hostctl alice;
    Hostctl bob;
    Path files;
    Path tmp;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream originalErr;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        this.tmp = tmp;
        originalErr = System.err;
        System.setErr(new PrintStream(new MailboxesOnDovecotTest.TeeStream(originalErr, log), true,
                StandardCharsets.UTF_8));
        Path data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), Fixtures.CONFIG);
        Hostd.open(data, Fixtures.CLOCK).close();
        String db = data.resolve(Hostd.SQLITE_FILE).toString();
        mxA = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db).masterPassword(MASTER).start();
        mxB = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db).masterPassword(MASTER).start();
        Path secret = tmp.resolve("sieve-master.secret");
        Files.writeString(secret, MASTER + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String config = Fixtures.CONFIG
                + "mail:\n  root: \"" + mxA.vmailRoot() + "\"\n"
                + "sieve:\n  defaultBackend: mx-a\n  backends:\n"
                + backend("mx-a", mxA, secret, "a.example") + backend("mx-b", mxB, secret, "b.example");
        hostd = TestHostd.start(data, config, Fixtures.CLOCK);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.addAccount("bob", Files.createDirectories(tmp.resolve("bob")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "a.example");
        hostd.hostd().mailboxes().addDomain("alice", "b.example");
        hostd.hostd().mailboxes().addDomain("bob", "bob.example");
        alice = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        bob = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("bob", false));
        for (String a : List.of("ann@a.example", "carol@b.example")) {
            HostctlRun run = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", a, "--password-stdin");
            assertThat(run.exitCode()).as(run.toString()).isZero();
        }
        files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("zip.sieve"), ZIP_RULE);
        Files.writeString(files.resolve("broken.sieve"), BROKEN);
        Files.writeString(files.resolve("zip.eml"), zipMessage("<zip-1@other.example>"));
    }

    /** One {@code sieve.backends} entry for a Dovecot fixture, with the master user's password file. */
    static String backend(String name, DovecotFixture d, Path secret, String domain) {
        return "    - name: " + name + "\n      host: 127.0.0.1\n      port: " + d.sievePort() + "\n      tls: none\n"
                + "      masterUser: " + DovecotFixture.MASTER_USER + "\n      masterPasswordFile: \"" + secret + "\"\n"
                + "      timeoutSeconds: 3\n      domains: [" + domain + "]\n";
    }

    static String zipMessage(String messageId) {
        return "From: sender@other.example\r\nTo: ann@a.example\r\nSubject: files\r\nMessage-ID: " + messageId
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: text/plain\r\n\r\nsee attachment\r\n--b1\r\nContent-Type: application/zip\r\n"
                + "Content-Disposition: attachment; filename=\"report.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "UEsDBAoAAAAAAA==\r\n--b1--\r\n";
    }

    @AfterAll
    void stop() {
        if (originalErr != null) {
            System.setErr(originalErr);
        }
        if (hostd != null) {
            hostd.close();
        }
        if (mxA != null) {
            mxA.close();
        }
        if (mxB != null) {
            mxB.close();
        }
    }

    private static String message(String subject, String id) {
        return "From: sender@other.example\r\nTo: ann@a.example\r\nSubject: " + subject + "\r\nMessage-ID: <" + id
                + "@other.example>\r\n\r\ntext\r\n";
    }

    private boolean folderExists(DovecotFixture d, String user, String folder) throws IOException {
        try (ImapClient imap = d.imap()) {
            assertThat(imap.login(user, PASSWORD).ok()).isTrue();
            return imap.command("STATUS \"" + folder + "\" (MESSAGES)").ok();
        }
    }

    private void deliver(DovecotFixture d, String to, String message) throws IOException {
        try (LmtpClient lmtp = d.lmtp()) {
            lmtp.lhlo("test.example");
            lmtp.mailFrom("sender@other.example");
            assertThat(lmtp.rcptTo(to).positive()).isTrue();
            assertThat(lmtp.data(message)).allMatch(LmtpClient.Reply::positive);
        }
    }

    private long count(DovecotFixture d, String user, String folder) throws IOException {
        try (ImapClient imap = d.imap()) {
            assertThat(imap.login(user, PASSWORD).ok()).isTrue();
            return imap.status(folder, "MESSAGES").getOrDefault("MESSAGES", -1L);
        }
    }

    @Test
    @Order(1)
    void an_active_zip_rule_files_mail_with_a_zip_attachment_into_archive_and_leaves_other_mail_in_inbox()
            throws IOException {
        HostctlRun put = alice.run("sieve", "put", "ann@a.example", "zip", files.resolve("zip.sieve").toString(),
                "--activate");
        assertThat(put.exitCode()).as(put.toString()).isZero();

        deliver(mxA, "ann@a.example", zipMessage("<zip-2@other.example>"));
        deliver(mxA, "ann@a.example", "From: sender@other.example\r\nTo: ann@a.example\r\nSubject: plain\r\n"
                + "Message-ID: <plain-1@other.example>\r\n\r\njust text\r\n");

        assertThat(count(mxA, "ann@a.example", "Archive")).isEqualTo(1);
        assertThat(count(mxA, "ann@a.example", "INBOX")).isEqualTo(1);
        HostctlRun list = alice.run("sieve", "list", "ann@a.example", "-o", "json");
        assertThat(list.out()).contains("\"name\" : \"zip\"").contains("\"active\" : true");
    }

    @Test
    @Order(2)
    void a_script_with_a_syntax_error_exits_5_with_its_line_and_the_active_script_stays() {
        HostctlRun broken = alice.run("sieve", "put", "ann@a.example", "zip", files.resolve("broken.sieve").toString());

        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(5);
        assertThat(broken.err()).contains("line 4");
        HostctlRun get = alice.run("sieve", "get", "ann@a.example", "zip");
        assertThat(get.out()).isEqualTo(ZIP_RULE);
        assertThat(alice.run("sieve", "list", "ann@a.example").out()).contains("zip");
        HostctlRun check = alice.run("sieve", "check", "ann@a.example", files.resolve("broken.sieve").toString());
        assertThat(check.exitCode()).isEqualTo(5);
        assertThat(check.err()).contains("line 4");
    }

    @Test
    @Order(3)
    void sieve_test_with_the_zip_message_prints_the_fileinto_action() {
        HostctlRun test = alice.run("sieve", "test", "ann@a.example", files.resolve("zip.sieve").toString(),
                "--message", files.resolve("zip.eml").toString());

        assertThat(test.exitCode()).as(test.toString()).isZero();
        assertThat(test.out()).contains("Archive");
    }

    @Test
    @Order(4)
    void every_verb_on_another_accounts_mailbox_is_not_found_and_the_master_secret_never_leaves_hostd() {
        List<String[]> verbs = List.of(
                new String[] {"sieve", "list", "ann@a.example"},
                new String[] {"sieve", "get", "ann@a.example", "zip"},
                new String[] {"sieve", "put", "ann@a.example", "x", files.resolve("zip.sieve").toString()},
                new String[] {"sieve", "check", "ann@a.example", files.resolve("zip.sieve").toString()},
                new String[] {"sieve", "test", "ann@a.example", files.resolve("zip.sieve").toString(), "--message",
                    files.resolve("zip.eml").toString()},
                new String[] {"sieve", "activate", "ann@a.example", "zip"},
                new String[] {"sieve", "deactivate", "ann@a.example", "--yes"},
                new String[] {"sieve", "rename", "ann@a.example", "zip", "other"},
                new String[] {"sieve", "delete", "ann@a.example", "zip", "--yes"});
        StringBuilder all = new StringBuilder();
        for (String[] v : verbs) {
            HostctlRun run = bob.run(v);
            assertThat(run.exitCode()).as(String.join(" ", v) + "\n" + run).isEqualTo(3);
            all.append(run.out()).append(run.err());
        }
        HostctlRun verbose = alice.run("sieve", "list", "ann@a.example", "-v");
        all.append(verbose.out()).append(verbose.err());
        assertThat(all.toString()).doesNotContain(MASTER);
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(MASTER);
        assertThat(alice.run("sieve", "get", "ann@a.example", "zip").out()).isEqualTo(ZIP_RULE);
    }

    @Test
    @Order(6)
    void the_autoresponder_replies_beside_the_customers_own_filter_and_stops_when_turned_off() throws Exception {
        long archived = count(mxA, "ann@a.example", "Archive");
        HostctlRun set = alice.runWithStdin("Back on Monday.\n", "autoreply", "set", "ann@a.example", "--subject",
                "Out of office", "--text-file", "-", "--every", "1");
        assertThat(set.exitCode()).as(set.toString()).isZero();

        deliver(mxA, "ann@a.example", zipMessage("<zip-3@other.example>"));

        assertThat(count(mxA, "ann@a.example", "Archive")).as("the customer's zip rule still files").isEqualTo(
                archived + 1);
        String reply = awaitOutbox(1);
        assertThat(reply).contains("Subject: Out of office").contains("sender@other.example").contains("Back on Monday.");

        assertThat(alice.run("autoreply", "off", "ann@a.example").exitCode()).isZero();
        deliver(mxA, "ann@a.example", zipMessage("<zip-4@other.example>").replace("sender@other.example",
                "another@other.example"));
        Thread.sleep(1500);
        try (var sent = Files.list(mxA.outbox())) {
            assertThat(sent.count()).as("no reply once the autoresponder is off").isEqualTo(1);
        }
    }

    private String awaitOutbox(int n) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try (var sent = Files.list(mxA.outbox())) {
                List<Path> files = sent.sorted().toList();
                if (files.size() >= n) {
                    return Files.readString(files.get(n - 1));
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no vacation reply in " + mxA.outbox() + "; dovecot log:\n" + mxA.logTail());
    }

    @Test
    @Order(7)
    void notify_to_a_target_built_from_variables_is_refused_with_its_line_and_nothing_is_stored() throws Exception {
        List<String> scripts = List.of(
                "require [\"enotify\",\"variables\"];\nset \"m\" \"mailto:evil@evil.example\";\n"
                        + "notify :message \"${1}\" \"${m}\";\n",
                "require [\"enotify\",\"variables\"];\nset \"m\" \"mailto\";\n"
                        + "notify :message \"x\" \"${m}:evil@evil.example\";\n",
                "require [\"enotify\",\"variables\"];\nset :lower \"m\" \"MAILTO:EVIL@EVIL.EXAMPLE\";\n"
                        + "notify \"${m}\";\n",
                "require [\"enotify\"];\n\n"
                        + "notify :from \"ann@a.example\" \"mailto:ann@a.example?cc=evil@evil.example\";\n",
                "require [\"vacation\"];\n\nvacation :addresses [\"evil@evil.example\"] \"away\";\n");
        for (String script : scripts) {
            Path f = files.resolve("evil.sieve");
            Files.writeString(f, script);

            HostctlRun put = alice.run("sieve", "put", "ann@a.example", "evil", f.toString(), "--activate");

            assertThat(put.exitCode()).as(script + put).isEqualTo(5);
            assertThat(put.err()).as(script).startsWith("hostctl: line 3: ").containsAnyOf("evil", "variables")
                    .endsWith("\n").hasLineCount(1);
            assertThat(put.out()).isEmpty();
            assertThat(alice.run("sieve", "check", "ann@a.example", f.toString()).exitCode()).isEqualTo(5);
        }
        HostctlRun list = alice.run("sieve", "list", "ann@a.example", "-o", "json");
        assertThat(list.out()).doesNotContain("\"evil\"").contains("\"name\" : \"zip\"");

        deliver(mxA, "ann@a.example", message("notify me", "notify-1"));
        Thread.sleep(500);
        try (var sent = Files.list(mxA.outbox())) {
            for (Path p : sent.toList()) {
                assertThat(Files.readString(p)).doesNotContain("evil.example");
            }
        }
    }

    @Test
    @Order(8)
    void fileinto_never_leaves_the_maildir_refused_when_literal_and_kept_in_inbox_by_dovecot_when_from_variables()
            throws Exception {
        for (String folder : List.of("../escape-lit", ".escape-lit", "Lists..escape-lit", "a/../../escape-lit",
                "${hex:2e 2e}/escape-lit")) {
            Path f = files.resolve("dots.sieve");
            Files.writeString(f, "require [\"fileinto\",\"mailbox\",\"encoded-character\"];\n"
                    + "fileinto :create \"" + folder + "\";\n");
            HostctlRun put = alice.run("sieve", "put", "ann@a.example", "dots", f.toString());
            assertThat(put.exitCode()).as(folder + put).isEqualTo(5);
            assertThat(put.err()).as(folder).startsWith("hostctl: line 2: fileinto folder").hasLineCount(1);
        }
        assertThat(alice.run("sieve", "list", "ann@a.example").out()).doesNotContain("dots");

        Path byVariable = files.resolve("by-subject.sieve");
        Files.writeString(byVariable, "require [\"fileinto\",\"mailbox\",\"variables\"];\n"
                + "if header :matches \"subject\" \"*\" { fileinto :create \"${1}\"; }\n");
        HostctlRun put = alice.run("sieve", "put", "ann@a.example", "by-subject", byVariable.toString(), "--activate");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        long inbox = count(mxA, "ann@a.example", "INBOX");
        List<String> subjects = List.of("../../../escape-var", "../../../../../../" + tmp.resolve("escape-abs"),
                tmp.resolve("escape-abs2").toString(), "~/escape-home", ".escape-dot", "Lists..escape-var",
                "Lists/../../escape-var", "&AC4-&AC4-/escape-utf7");
        int i = 0;
        for (String subject : subjects) {
            deliver(mxA, "ann@a.example", message(subject, "escape-" + i++));
        }
        deliver(mxA, "ann@a.example", message("Lists.escape-fine", "escape-fine"));

        assertThat(count(mxA, "ann@a.example", "INBOX")).as("Dovecot refused every name; the mail stayed in INBOX")
                .isEqualTo(inbox + subjects.size());
        assertThat(count(mxA, "ann@a.example", "Lists.escape-fine")).isEqualTo(1);
        Path maildir = mxA.vmailRoot().resolve("a.example/ann/Maildir");
        List<Path> made = new java.util.ArrayList<>();
        for (Path root : List.of(mxA.dir(), tmp)) {
            try (var walk = Files.walk(root)) {
                walk.filter(p -> p.getFileName().toString().contains("escape")).forEach(made::add);
            }
        }
        assertThat(made).as("only the fine folder, inside the maildir")
                .allMatch(p -> p.startsWith(maildir.resolve(".Lists.escape-fine")) || p.startsWith(files));
        assertThat(made).contains(maildir.resolve(".Lists.escape-fine"));

        HostctlRun zip = alice.run("sieve", "activate", "ann@a.example", "zip");
        assertThat(zip.exitCode()).as(zip.toString()).isZero();
    }

    @Test
    @Order(8)
    void fileinto_a_missing_folder_without_create_warns_and_really_keeps_the_mail_in_inbox_until_the_folder_exists()
            throws Exception {
        Path script = files.resolve("projects.sieve");
        Files.writeString(script, "require \"fileinto\";\nif header :contains \"subject\" \"project\" {\n"
                + "  fileinto \"Projects\";\n}\n");
        Path eml = files.resolve("project.eml");
        Files.writeString(eml, message("project plan", "project-0"));
        String warning = "warning: line 3: warning: fileinto folder 'Projects' does not exist in ann@a.example";

        HostctlRun check = alice.run("sieve", "check", "ann@a.example", script.toString());
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.err()).contains(warning).contains(":create");
        HostctlRun checkJson = alice.run("sieve", "check", "ann@a.example", script.toString(), "-o", "json");
        assertThat(checkJson.out()).contains("fileinto folder 'Projects' does not exist");
        HostctlRun test = alice.run("sieve", "test", "ann@a.example", script.toString(), "--message", eml.toString());
        assertThat(test.exitCode()).as(test.toString()).isZero();
        assertThat(test.out()).contains("store message in folder: Projects").doesNotContain("warning");
        assertThat(test.err()).contains(warning);
        HostctlRun testJson = alice.run("sieve", "test", "ann@a.example", script.toString(), "--message",
                eml.toString(), "-o", "json");
        assertThat(testJson.out()).contains("\"warnings\" : [ \"line 3: warning: fileinto folder 'Projects'");
        HostctlRun put = alice.run("sieve", "put", "ann@a.example", "projects", script.toString(), "--activate");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.err()).contains(warning);

        long inbox = count(mxA, "ann@a.example", "INBOX");
        deliver(mxA, "ann@a.example", message("project plan", "project-1"));
        assertThat(count(mxA, "ann@a.example", "INBOX")).as("the claim: delivery keeps it in INBOX")
                .isEqualTo(inbox + 1);
        assertThat(folderExists(mxA, "ann@a.example", "Projects")).isFalse();

        try (ImapClient imap = mxA.imap()) {
            assertThat(imap.login("ann@a.example", PASSWORD).ok()).isTrue();
            assertThat(imap.command("CREATE Projects").ok()).isTrue();
        }
        HostctlRun quiet = alice.run("sieve", "check", "ann@a.example", script.toString());
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).doesNotContain("warning");
        assertThat(alice.run("sieve", "test", "ann@a.example", script.toString(), "--message", eml.toString()).err())
                .doesNotContain("warning");
        deliver(mxA, "ann@a.example", message("project plan", "project-2"));
        assertThat(count(mxA, "ann@a.example", "Projects")).isEqualTo(1);

        Files.writeString(script, "require [\"fileinto\",\"mailbox\"];\nfileinto :create \"Reports\";\n");
        HostctlRun created = alice.run("sieve", "check", "ann@a.example", script.toString());
        assertThat(created.exitCode()).isZero();
        assertThat(created.err()).doesNotContain("warning");

        assertThat(alice.run("sieve", "activate", "ann@a.example", "zip").exitCode()).isZero();
    }

    @Test
    @Order(9)
    void a_stopped_backend_makes_its_domains_exit_6_naming_it_while_the_other_backend_works() {
        HostctlRun onB = alice.run("sieve", "put", "carol@b.example", "keep", files.resolve("zip.sieve").toString());
        assertThat(onB.exitCode()).as(onB.toString()).isZero();

        mxA.stop();
        long start = System.nanoTime();
        HostctlRun down = alice.run("sieve", "list", "ann@a.example");
        long ms = (System.nanoTime() - start) / 1_000_000;

        assertThat(down.exitCode()).as(down.toString()).isEqualTo(6);
        assertThat(down.err()).contains("mx-a").contains("hostctl status");
        assertThat(ms).as("within the configured timeout").isLessThan(10_000);
        HostctlRun up = alice.run("sieve", "list", "carol@b.example");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.out()).contains("keep");
    }
}
