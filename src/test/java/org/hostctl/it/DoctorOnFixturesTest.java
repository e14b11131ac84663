package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hostctl.api.Json;
import org.hostctl.it.ApacheFixture.Handler;
import org.hostctl.server.Hostd;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.hostctl.support.HostdAdmin;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostd doctor} against a real Apache with php-cgi and php-fpm, Dovecot and Postfix, all started from the
 * provider kit: exit 0 on the working set-up; then one thing broken at a time, each named with its fix (exit 6),
 * and the set-up working again once it is repaired.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoctorOnFixturesTest {
    static final String MAILBOX = "ann@example.com";
    static final String PASSWORD = "Tr0ub4dor&3-horse-staple";

    ApacheFixture apache;
    DovecotFixture dovecot;
    PostfixFixture postfix;
    TestHostd hostd;
    Path data;
    String config;
    Hostctl alice;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        ApacheFixture.assumeAvailable();
        DovecotFixture.assumeAvailable();
        PostfixFixture.assumeAvailable();
        apache = ApacheFixture.builder(tmp.resolve("web-run"), tmp.resolve("webspace"))
                .handlers(List.of(Handler.cgi("php82-cgi", "8.2"), Handler.cgi("php74-cgi", "7.4"),
                        Handler.fpm("php82-fpm", "8.2")))
                .start();
        data = TestHostd.dataDir(tmp.resolve("data"));
        Files.writeString(data.resolve("hostd.yaml"), "php: {versions: []}\n");
        Hostd.open(data, Clock.systemUTC()).close();
        Path db = data.resolve(Hostd.SQLITE_FILE);
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db.toString()).masterPassword("m-secret-1")
                .start();
        PostfixFixture.shareSqliteWithPostfix(db);
        postfix = PostfixFixture.startWithSubmission(tmp.resolve("pf"), PostfixFixture.Backend.sqlite(db),
                dovecot.lmtpPort(), "inet:127.0.0.1:" + dovecot.authPort());
        String phpCgi = ApacheFixtureConfig.PHP_CGI;
        config = "php:\n  default: \"8.2\"\n  versions:\n"
                + "    - {version: \"8.2\", type: cgi, handler: php82-cgi, binary: " + phpCgi + "}\n"
                + "    - {version: \"7.4\", type: cgi, handler: php74-cgi, binary: " + phpCgi + "}\n"
                + "    - {version: \"8.2-fpm\", branch: \"8.2\", type: fpm, socket: \"" + apache.fpmSocket("php82-fpm")
                + "\", marker: php82-fpm}\n"
                + "mail:\n  root: \"" + dovecot.vmailRoot() + "\"\n"
                + "maillog:\n  files: [\"" + postfix.maillog() + "\"]\n";
        hostd = TestHostd.start(data, config, Clock.systemUTC());
        writeConfig(config);
        hostd.addAccount("alice", Files.createDirectories(tmp.resolve("alice")), List.of());
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        alice = new Hostctl(tmp.resolve("home")).env("HOSTCTL_API_URL", hostd.url())
                .env("HOSTCTL_TOKEN", hostd.token("alice", false));
        HostctlRun created = alice.runWithStdin(PASSWORD + "\n", "mailbox", "create", MAILBOX, "--password-stdin");
        assertThat(created.exitCode()).as(created.toString()).isZero();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {hostd, postfix, dovecot, apache}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the others still stop
            }
        }
    }

    @Test
    void the_working_set_up_passes_every_check() throws IOException {
        HostctlRun run = doctor(MAILBOX);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, JsonNode> findings = findings(run);
        assertThat(findings.keySet()).contains("data directory", "php 8.2", "php 7.4", "php 8.2-fpm",
                "dovecot sieve", "dovecot lmtp", "dovecot user", "postfix lmtp", "send log",
                "postfix virtual_mailbox_domains", "postfix virtual_mailbox_maps");
        findings.forEach((check, f) -> assertThat(f.get("result").asText()).as(check + ": " + f).isEqualTo("ok"));
        assertThat(findings.get("php 7.4").get("detail").asText()).startsWith("PHP 8.2.")
                .endsWith("through handler php74-cgi");
        assertThat(findings.get("php 8.2-fpm").get("detail").asText()).contains("through socket "
                + apache.fpmSocket("php82-fpm"));
        assertThat(apache.docroot().toFile().list()).as("the probes are gone").noneMatch(n -> n.startsWith(".hostd"));
    }

    @Test
    void submission_checks_the_password_with_Dovecot_and_the_send_log_names_the_SASL_user() throws Exception {
        String id = "submitted-" + System.nanoTime() + "@example.com";
        try (SmtpClient smtp = SmtpClient.connect(postfix.submissionPort())) {
            smtp.ehlo("client.example");
            assertThat(smtp.mailFrom(MAILBOX).code()).as("nothing before TLS").isEqualTo(530);
            assertThat(smtp.startTls().code()).as(postfix.logTail()).isEqualTo(220);
            smtp.ehlo("client.example");
            smtp.mailFrom(MAILBOX);
            assertThat(smtp.rcptTo(MAILBOX).code()).as("nothing before a password").isEqualTo(554);
            smtp.command("RSET");
            assertThat(smtp.authPlain(MAILBOX, "wrong-" + PASSWORD).code()).isEqualTo(535);
            assertThat(smtp.authPlain(MAILBOX, PASSWORD).code()).as(postfix.logTail()).isEqualTo(235);
            assertThat(smtp.mailFrom(MAILBOX).code()).isEqualTo(250);
            assertThat(smtp.rcptTo(MAILBOX).code()).isEqualTo(250);
            assertThat(smtp.data("From: " + MAILBOX + "\r\nTo: " + MAILBOX + "\r\nMessage-ID: <" + id
                    + ">\r\nSubject: submitted\r\n\r\nhello\r\n").code()).as(postfix.logTail()).isEqualTo(250);
        }
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode entry = null;
        while (entry == null || !entry.path("saslUser").isTextual()) {
            assertThat(System.currentTimeMillis()).as("send log entry of " + id + ": " + entry + postfix.logTail())
                    .isLessThan(deadline);
            Thread.sleep(200);
            HostctlRun log = alice.run("mail", "log", "--message-id", id, "-o", "json");
            JsonNode items = Json.mapper().readTree(log.out());
            entry = items.isArray() && items.size() > 0 ? items.get(0) : null;
        }
        assertThat(entry.get("saslUser").asText()).isEqualTo(MAILBOX);
    }

    @Test
    void a_version_whose_handler_Apache_lacks_is_named() throws IOException {
        writeConfig(config.replace("  versions:\n", "  versions:\n"
                + "    - {version: \"8.3\", type: cgi, handler: php83-cgi, binary: " + ApacheFixtureConfig.PHP_CGI
                + "}\n"));
        try {
            HostctlRun run = doctor(MAILBOX);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(failed(run)).containsOnlyKeys("php 8.3");
            assertThat(failed(run).get("php 8.3")).contains("does not know handler php83-cgi",
                    "provider/apache/hostd-vhost.conf");
        } finally {
            writeConfig(config);
        }
    }

    @Test
    void a_stopped_php_fpm_is_named_and_php_set_refuses_its_version(@TempDir Path tmp) throws IOException {
        try (ApacheFixture own = ApacheFixture.builder(tmp.resolve("run"), tmp.resolve("webspace"))
                .handlers(List.of(Handler.cgi("php82-cgi", "8.2"), Handler.cgi("php74-cgi", "7.4"),
                        Handler.fpm("php82-fpm", "8.2"))).start()) {
            String fpm = config.replace(apache.fpmSocket("php82-fpm").toString(),
                    own.fpmSocket("php82-fpm").toString());
            writeConfig(fpm);
            Path dir = Files.createDirectories(own.docroot().resolve("shop"));
            try (TestHostd second = TestHostd.start(tmp.resolve("data"), fpm.replaceAll("(?s)mail:.*", ""),
                    Clock.systemUTC())) {
                second.addAccount("bob", own.webspace(), List.of(new org.hostctl.api.Docroot("public_html",
                        own.baseUrl() + "/")));
                Hostctl bob = new Hostctl(Files.createDirectories(tmp.resolve("home")))
                        .env("HOSTCTL_API_URL", second.url()).env("HOSTCTL_TOKEN", second.token("bob", false));
                assertThat(bob.run("php", "set", "8.2-fpm", "public_html/shop", "--dry-run").exitCode()).isZero();

                own.stopFpm();

                HostctlRun run = HostdAdmin.run(data, "doctor", "-o", "json", "--php-docroot",
                        own.docroot() + "=" + own.baseUrl() + "/", "--dovecot-config", dovecot.configFile().toString(),
                        "--postfix-config", postfix.configDirectory().toString(), "--mailbox", MAILBOX);
                assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
                assertThat(failed(run)).containsOnlyKeys("php 8.2-fpm");
                assertThat(failed(run).get("php 8.2-fpm")).isEqualTo("the php-fpm socket " + own.fpmSocket("php82-fpm")
                        + " is missing (is the pool running?): install it, correct hostd.yaml, or mark it"
                        + " available: false");
                HostctlRun set = bob.run("php", "set", "8.2-fpm", "public_html/shop");
                assertThat(set.exitCode()).as(set.toString()).isEqualTo(5);
                assertThat(set.err()).contains("PHP 8.2-fpm is not installed on this server");
                assertThat(dir.resolve(".htaccess")).doesNotExist();
            }
        } finally {
            writeConfig(config);
        }
    }

    @Test
    void a_data_directory_open_to_others_is_named_with_the_chmod() throws IOException {
        int mode = (Integer) Files.getAttribute(data, "unix:mode");
        Files.setAttribute(data, "unix:mode", mode | 0005);
        try {
            HostctlRun run = doctor(MAILBOX);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(failed(run)).containsOnlyKeys("data directory");
            assertThat(failed(run).get("data directory")).endsWith("chmod 2770 " + data);
        } finally {
            Files.setAttribute(data, "unix:mode", mode);
        }
    }

    @Test
    void dovecot_without_sieve_at_LMTP_or_without_the_LMTP_listener_is_named() throws IOException {
        Path kit = dovecot.configFile().resolveSibling("90-hostd.conf");
        String original = Files.readString(kit);
        try {
            Files.writeString(kit, original.replace("mail_plugins = $mail_plugins sieve",
                    "mail_plugins = $mail_plugins"));
            HostctlRun noSieve = doctor(MAILBOX);
            assertThat(noSieve.exitCode()).as(noSieve.toString()).isEqualTo(6);
            assertThat(failed(noSieve)).containsOnlyKeys("dovecot sieve");
            assertThat(failed(noSieve).get("dovecot sieve")).contains("LMTP does not load the sieve plugin");

            Files.writeString(kit, original.replaceAll("(?s)service lmtp \\{.*?\\n}\\n", ""));
            HostctlRun noListener = doctor(MAILBOX);
            assertThat(noListener.exitCode()).as(noListener.toString()).isEqualTo(6);
            assertThat(failed(noListener)).containsKey("dovecot lmtp");
            assertThat(failed(noListener).get("dovecot lmtp")).contains("no LMTP inet listener");
        } finally {
            Files.writeString(kit, original);
        }
    }

    @Test
    void a_mailbox_that_Dovecot_and_Postfix_do_not_find_is_named() throws IOException {
        HostctlRun run = doctor("nobody@example.com");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
        assertThat(failed(run)).containsOnlyKeys("dovecot user", "postfix virtual_mailbox_maps");
        assertThat(failed(run).get("postfix virtual_mailbox_maps"))
                .contains("Postfix does not find nobody@example.com");
    }

    @Test
    void a_send_log_hostd_does_not_follow_is_named() throws IOException {
        writeConfig(config.replace(postfix.maillog().toString(), "/var/log/other.log"));
        try {
            HostctlRun run = doctor(MAILBOX);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(failed(run)).containsOnlyKeys("send log");
            assertThat(failed(run).get("send log")).startsWith("Postfix writes " + postfix.maillog());
        } finally {
            writeConfig(config);
        }
    }

    /** hostd.yaml as hostd writes it, 0640 (doctor reports one that others may read). */
    private void writeConfig(String yaml) throws IOException {
        Path file = data.resolve("hostd.yaml");
        Files.writeString(file, yaml);
        Files.setAttribute(file, "unix:mode", 0640);
    }

    private HostctlRun doctor(String mailbox) {
        List<String> args = new ArrayList<>(List.of("doctor",
                "--php-docroot", apache.docroot() + "=" + apache.baseUrl() + "/",
                "--dovecot-config", dovecot.configFile().toString(),
                "--postfix-config", postfix.configDirectory().toString(), "-o", "json"));
        if (mailbox != null) {
            args.addAll(List.of("--mailbox", mailbox));
        }
        return HostdAdmin.run(data, args.toArray(String[]::new));
    }

    private static Map<String, JsonNode> findings(HostctlRun run) throws IOException {
        Map<String, JsonNode> byCheck = new LinkedHashMap<>();
        for (JsonNode f : Json.mapper().readTree(run.out())) {
            byCheck.put(f.get("check").asText(), f);
        }
        return byCheck;
    }

    private static Map<String, String> failed(HostctlRun run) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        findings(run).forEach((check, f) -> {
            if (f.get("result").asText().equals("FAIL")) {
                out.put(check, f.get("detail").asText());
            }
        });
        return out;
    }
}
