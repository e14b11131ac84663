package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.it.SshFixture.Result;
import org.hostctl.support.Fixtures;
import org.hostctl.support.TestHostd;
import org.hostctl.support.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customers logged in over SSH use hostctl with no token: real Unix users made by the test ({@code shop},
 * {@code other} with accounts, {@code bob} without), a private sshd on 127.0.0.1 with key login, a real hostd
 * serving its local socket, and hostctl run by each user from a launcher the test writes (the CLI's class path
 * copied where every user may read it).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalSocketUsersTest {
    private static final List<String> USERS = List.of("shop", "other", "bob");
    /** The groups of hostctl's runtime class path (pom.xml cli.groups), as path fragments. */
    private static final List<String> CLI_JARS = List.of("/com/fasterxml/jackson/", "/org/yaml/",
            "/com/squareup/okhttp3/", "/com/squareup/okio/", "/org/jetbrains/", "/net/thisptr/", "/org/jruby/");

    private final List<String> created = new ArrayList<>();
    private TestHostd hostd;
    private SshFixture sshd;
    private Path socket;
    private String shopToken;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        SshFixture.assumeAvailable();
        FixtureSupport.grantTraversal(tmp, "shop");
        for (String u : USERS) {
            if (SshFixture.exec(List.of("id", "-u", u)).exitCode() != 0) {
                SshFixture.run(List.of("useradd", "-m", "-s", "/bin/sh", u));
                created.add(u);
                // no password, but not locked ('!'): sshd without PAM refuses locked accounts even with a key
                SshFixture.run(List.of("usermod", "-p", "*", u));
            }
            SshFixture.run(List.of("runuser", "-u", u, "--", "mkdir", "-p", home(u) + "/public_html/x"));
        }
        Path bin = launcher(tmp.resolve("cli"), tmp.resolve("run/api.sock"));
        socket = tmp.resolve("run/api.sock");
        hostd = TestHostd.startWithSocket(tmp.resolve("data"), Fixtures.CONFIG, Fixtures.CLOCK, socket);
        for (String u : List.of("shop", "other")) {
            hostd.addAccount(u, home(u), List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
            hostd.hostd().unixUsers().map(u, u, false);
        }
        shopToken = hostd.token("shop", false);
        sshd = SshFixture.start(tmp.resolve("sshd"), USERS, bin);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (sshd != null) {
                sshd.close();
            }
            if (hostd != null) {
                hostd.close();
            }
        } finally {
            for (String u : created) {
                SshFixture.exec(List.of("userdel", "-r", u));
            }
        }
    }

    private static Path home(String user) {
        return Path.of("/home", user);
    }

    /** bin/hostctl running Main with copies of the CLI's classes and jars that every user can read. */
    private static Path launcher(Path dir, Path socket) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path jars = Files.createDirectories(dir.resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.endsWith("classes") && !p.toString().endsWith("test-classes")) {
                copyTree(p, classes);
            } else if (entry.endsWith(".jar") && CLI_JARS.stream().anyMatch(entry::contains)) {
                Files.copy(p, jars.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("hostctl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\nexec " + java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                + " -Dhostctl.localSocket=" + socket + " -cp '" + classes + ":" + jars + "/*'"
                + " org.hostctl.cli.Main \"$@\"\n", StandardCharsets.UTF_8);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p)
                        || p.equals(script) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return bin;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String rel = from.relativize(p).toString();
                boolean cli = rel.isEmpty() || rel.startsWith("picocli") || rel.startsWith("org/hostctl/api")
                        || rel.startsWith("org/hostctl/cli") || rel.startsWith("org/hostctl/client")
                        || rel.equals("org") || rel.equals("org/hostctl") || rel.equals("org/hostctl/version.properties");
                if (!cli) {
                    continue;
                }
                Path target = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String htaccess(String user) throws IOException {
        Path f = home(user).resolve("public_html/x/.htaccess");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    @Test
    void shop_sets_php_over_ssh_with_no_token_anywhere_and_the_change_is_in_its_own_webspace() throws Exception {
        Result env = sshd.ssh("shop", "env; ls -a ~");
        assertThat(env.out()).doesNotContain("HOSTCTL_").doesNotContain(".config");

        Result set = sshd.ssh("shop", "hostctl php set 8.2 public_html/x");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(htaccess("shop")).contains("php82-cgi");
        assertThat(Files.getOwner(home("shop").resolve("public_html/x/.htaccess")).getName()).isEqualTo("shop");

        Result status = sshd.ssh("shop", "hostctl auth status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.err()).isEqualTo("local socket, account shop (Unix user shop)\n");
        assertThat(status.out()).contains("unix:" + socket);
    }

    @Test
    void other_reaching_the_same_socket_acts_only_on_its_own_account() throws Exception {
        String before = htaccess("shop");
        Result set = sshd.ssh("other", "hostctl php set 8.3 public_html/x");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(htaccess("other")).contains("php83-cgi");
        assertThat(htaccess("shop")).isEqualTo(before);

        Result me = sshd.ssh("other", "hostctl auth status -o json");
        JsonNode j = Json.mapper().readTree(me.out());
        assertThat(j.path("account").asText()).isEqualTo("other");
        assertThat(j.path("webspace").asText()).isEqualTo("/home/other");
    }

    @Test
    void a_user_with_no_account_gets_exit_4_and_one_line() throws Exception {
        for (String cmd : List.of("hostctl php show", "hostctl php set 8.2 public_html/x", "hostctl auth status")) {
            Result r = sshd.ssh("bob", cmd);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).as(cmd).isEqualTo("hostctl: no hosting account for Unix user bob\n");
            assertThat(r.out()).isEmpty();
        }
        assertThat(htaccess("bob")).isEmpty();
    }

    @Test
    void a_read_only_mapping_refuses_writes_with_exit_4() throws Exception {
        String before = htaccess("other");
        hostd.hostd().unixUsers().map("other", "other", true);
        try {
            Result r = sshd.ssh("other", "hostctl php set 8.2 public_html/x");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).isEqualTo("hostctl: Unix user other has read-only access to account other;"
                    + " PUT /v1/php/settings needs read-write access\n");
            assertThat(htaccess("other")).isEqualTo(before);
            assertThat(sshd.ssh("other", "hostctl php show").exitCode()).as("reading still works").isZero();
        } finally {
            hostd.hostd().unixUsers().map("other", "other", false);
        }
    }

    @Test
    void no_header_token_or_parameter_makes_the_socket_act_for_another_account() throws Exception {
        String curl = "curl -s --unix-socket " + socket;
        String forged = " -H 'Authorization: Bearer " + shopToken + "' -H 'X-Forwarded-User: shop'"
                + " -H 'X-Unix-User: shop' -H 'X-Remote-User: shop'";
        Result me = sshd.ssh("other", curl + forged + " 'http://localhost/v1/me?account=shop&user=shop'");
        assertThat(Json.mapper().readTree(me.out()).path("account").asText()).as(me.toString()).isEqualTo("other");

        // one keep-alive connection: the first request without, the second with shop's token
        Result keepAlive = sshd.ssh("other", curl + " -w '\\n%{num_connects}\\n' http://localhost/v1/me --next"
                + " --unix-socket " + socket + forged + " -w '\\n%{num_connects}\\n' http://localhost/v1/me");
        assertThat(keepAlive.out()).as(keepAlive.toString()).doesNotContain("\"shop\"")
                .contains("\"account\":\"other\"").endsWith("\n0\n");

        String before = htaccess("shop");
        for (String path : List.of("../shop/public_html/x", "/home/shop/public_html/x", "..%2Fshop%2Fpublic_html")) {
            Result put = sshd.ssh("other", curl + forged + " -X PUT -H 'Content-Type: application/json'"
                    + " -d '{\"version\":\"5.6\"}' -w '\\n%{http_code}' 'http://localhost/v1/php/settings?path=" + path
                    + "'");
            assertThat(put.out()).as(put.toString()).doesNotEndWith("200");
        }
        assertThat(htaccess("shop")).isEqualTo(before);

        Result bob = sshd.ssh("bob", curl + forged + " -w '\\n%{http_code}' http://localhost/v1/me");
        assertThat(bob.out()).endsWith("\n401").contains("no hosting account for Unix user bob");
    }

    @Test
    void another_user_can_neither_replace_nor_remove_the_socket() throws Exception {
        Path dir = socket.getParent();
        for (String cmd : List.of("rm -f " + socket, "mv " + socket + " " + dir + "/moved", "ln -sf /tmp/evil "
                + socket, "touch " + dir + "/planted", "chmod 777 " + dir)) {
            Result r = sshd.ssh("bob", cmd);
            assertThat(r.exitCode()).as(cmd + ": " + r).isNotZero();
        }
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(UnixHttp.once(socket, "GET", "/v1/openapi.yaml", Map.of(), null).status()).isEqualTo(200);
        assertThat(dir.resolve("moved")).doesNotExist();
        assertThat(dir.resolve("planted")).doesNotExist();
    }
}
