package org.hostctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.hostctl.api.Docroot;
import org.hostctl.support.Fixtures;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive {@code hostctl shell} as a person uses it: a real hostctl process on a pseudo-terminal made by
 * tmux (its own server socket, stopped after each test), typed at with send-keys and read with capture-pane,
 * against a real hostd.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellOnTerminalTest {
    /** The prompt as capture-pane shows it: without its trailing space. */
    static final String PROMPT = "hostctl>";

    TestHostd hostd;
    String token;
    Path tmp;
    String socket;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException, InterruptedException {
        boolean tmux = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(tmux, "tmux is not installed (.ci/install-packages installs it)");
        }
        tmp = dir;
        Path data = TestHostd.dataDir(dir.resolve("data"));
        Files.writeString(data.resolve("mail.log"), "");
        hostd = TestHostd.start(data, Fixtures.CONFIG + "maillog:\n  files: [mail.log]\n  retentionDays: 30\n",
                Fixtures.CLOCK);
        Path web = Files.createDirectories(dir.resolve("web"));
        Files.createDirectories(web.resolve("public_html"));
        hostd.addAccount("alice", web, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        token = hostd.token("alice", false);
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
    }

    @AfterEach
    void killTmux() throws IOException, InterruptedException {
        if (socket != null) {
            tmux("kill-server");
            socket = null;
        }
    }

    /** Starts {@code hostctl shell} in a new tmux server; the token reaches it through a 0700 script, not argv. */
    private void startShell(Path state) throws IOException, InterruptedException {
        Path script = tmp.resolve("shell-" + UUID.randomUUID() + ".sh");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\n"
                + "export HOSTCTL_API_URL='" + hostd.url() + "' HOSTCTL_TOKEN='" + token + "'\n"
                + "export XDG_STATE_HOME='" + state + "' XDG_CONFIG_HOME='" + tmp.resolve("config") + "'\n"
                + "export HOME='" + tmp + "' TERM=xterm NO_COLOR=1\n"
                + "unset HOSTCTL_PROFILE\n"
                // Ctrl-C goes to the whole foreground group: this script outlives it, as a login shell would
                + "trap : INT\n"
                + "'" + java + "' -cp '" + classPath + "' org.hostctl.cli.Main shell\n"
                + "echo \"EXITED $?\"\n"
                + "sleep 600\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        socket = "hostctl-shell-test-" + UUID.randomUUID();
        tmux("new-session", "-d", "-x", "160", "-y", "48", script.toString());
        screen(s -> s.contains(PROMPT), "the first prompt");
    }

    private void tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tmux %s: %s", args, out).isZero();
    }

    private void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "0"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    private String capture() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "0", "-S", "-200")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Waits up to 30 s for the screen to show what {@code test} wants; returns the screen. */
    private String screen(Predicate<String> test, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String s = capture();
        while (!test.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the screen did not show " + what + ":\n" + s);
            }
            Thread.sleep(100);
            s = capture();
        }
        return s;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void tab_completes_command_names_and_option_values() throws Exception {
        startShell(tmp.resolve("state-completion"));

        keys("mailb", "Tab");
        screen(s -> s.contains(PROMPT + " mailbox"), "'mailb' completed to 'mailbox'");
        keys("C-u", "php vers", "Tab");
        screen(s -> s.contains(PROMPT + " php versions"), "'php vers' completed to 'php versions'");
        keys("--", "-o js", "Tab");
        screen(s -> s.contains(PROMPT + " php versions -o json"), "'-o js' completed to '-o json'");
        keys("Enter");
        screen(s -> s.contains("\"version\" : \"8.3\"") || s.contains("\"version\": \"8.3\"")
                || s.contains("\"8.3\""), "the JSON of php versions");
    }

    @Test
    void history_is_kept_across_two_sessions_in_a_file_only_its_owner_reads() throws Exception {
        Path state = tmp.resolve("state-history");
        startShell(state);
        keys("php versions --no-headers", "Enter");
        screen(s -> s.contains("8.3"), "the versions");
        keys("php show --no-such-option", "Enter");
        screen(s -> s.contains("unknown option"), "the usage error");
        keys("exit", "Enter");
        screen(s -> s.contains("EXITED 0"), "the shell ending with 0");
        killTmux();

        Path file = state.resolve("hostctl/history");
        assertThat(Files.readAllLines(file)).containsExactly("php versions --no-headers");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        startShell(state);
        keys("Up");
        screen(s -> s.contains(PROMPT + " php versions --no-headers"), "the line of the first session");
    }

    @Test
    void ctrl_c_stops_a_following_mail_log_and_the_prompt_comes_back() throws Exception {
        startShell(tmp.resolve("state-ctrl-c"));

        keys("mail log --follow", "Enter");
        screen(s -> s.contains(PROMPT + " mail log --follow"), "the command running");
        Thread.sleep(2500); // a poll or two: the command is waiting between requests
        String before = capture();
        assertThat(before).doesNotContain("stopped").doesNotContain("EXITED");
        keys("C-c");
        String after = screen(s -> s.contains("hostctl: stopped") && count(s, PROMPT) >= 2, "a new prompt");
        assertThat(after).doesNotContain("EXITED");

        keys("php versions --no-headers", "Enter");
        screen(s -> s.contains("8.3") && count(s, PROMPT) >= 3, "the next command's output and prompt");
        keys("C-d");
        screen(s -> s.contains("EXITED 0"), "the shell leaving on Ctrl-D");
    }
}
