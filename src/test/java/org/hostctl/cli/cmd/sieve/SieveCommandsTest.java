package org.hostctl.cli.cmd.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hostctl.api.Problem;
import org.hostctl.api.SieveScript;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.CliExceptionHandler;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.client.ApiException;
import org.hostctl.support.Hostctl;
import org.hostctl.support.HostctlRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of {@code hostctl sieve} that need no server: arguments and input files, the edit loop, the error
 * report, the atomic write. The commands against a real hostd are tested end to end elsewhere.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SieveCommandsTest {
    private static final String ADDRESS = "alice@example.com";

    @TempDir
    Path dir;

    /** hostctl without a token: a command that got past its arguments and input stops with exit 4. */
    Hostctl hostctl;

    @BeforeEach
    void client() throws IOException {
        Files.createDirectories(dir.resolve("home"));
        hostctl = new Hostctl(dir.resolve("home")).cwd(dir).env("HOSTCTL_TOKEN", null);
    }

    private static void assertUsage(HostctlRun r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(r.err()).as(r.toString()).contains(message);
    }

    private static void assertReachedTheApi(HostctlRun r) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(r.err()).as(r.toString()).startsWith("hostctl: not logged in");
    }

    @Nested
    class Arguments {
        @Test
        void test_without_message_is_a_usage_error() throws IOException {
            Files.writeString(dir.resolve("f.sieve"), "keep;\n");

            HostctlRun r = hostctl.run("sieve", "test", ADDRESS, "f.sieve");

            assertUsage(r, "Missing required option: '--message=FILE'");
        }

        @Test
        void an_unreadable_script_file_is_a_usage_error_naming_it() {
            assertUsage(hostctl.run("sieve", "check", ADDRESS, "missing.sieve"),
                    "hostctl: cannot read missing.sieve: no such file\n");
            assertUsage(hostctl.run("sieve", "put", ADDRESS, "filters", "missing.sieve"),
                    "hostctl: cannot read missing.sieve: no such file\n");
        }

        @Test
        void a_directory_as_script_is_a_usage_error_naming_it() throws IOException {
            Files.createDirectories(dir.resolve("scripts"));

            assertUsage(hostctl.run("sieve", "put", ADDRESS, "filters", "scripts"),
                    "hostctl: cannot read scripts: it is a directory\n");
        }

        @Test
        void an_unreadable_message_is_a_usage_error_naming_the_option_and_file() throws IOException {
            Files.writeString(dir.resolve("f.sieve"), "keep;\n");

            assertUsage(hostctl.run("sieve", "test", ADDRESS, "f.sieve", "--message", "missing.eml"),
                    "hostctl: cannot read --message: missing.eml: no such file\n");
        }

        @Test
        void a_script_that_is_not_utf8_is_a_usage_error() throws IOException {
            Files.write(dir.resolve("latin1.sieve"), new byte[] {'#', ' ', (byte) 0xe9, '\n'});

            assertUsage(hostctl.run("sieve", "check", ADDRESS, "latin1.sieve"),
                    "hostctl: latin1.sieve is not UTF-8 text\n");
        }

        @Test
        void test_takes_a_file_or_a_stored_script_not_both() throws IOException {
            Files.writeString(dir.resolve("f.sieve"), "keep;\n");
            Files.writeString(dir.resolve("m.eml"), "Subject: hi\r\n\r\nhi\r\n");

            assertUsage(hostctl.run("sieve", "test", ADDRESS, "f.sieve", "--script", "filters", "--message", "m.eml"),
                    "hostctl: give FILE or --script NAME, not both\n");
        }

        @Test
        void test_cannot_read_script_and_message_both_from_stdin() {
            assertUsage(hostctl.runWithStdin("keep;", "sieve", "test", ADDRESS, "-", "--message", "-"),
                    "cannot both come from stdin");
            assertUsage(hostctl.runWithStdin("keep;", "sieve", "test", ADDRESS, "--message", "-"),
                    "cannot both come from stdin");
        }

        @Test
        void without_file_on_a_terminal_the_script_is_asked_for_not_waited_on() {
            assertUsage(hostctl.terminal("y").run("sieve", "put", ADDRESS, "filters"),
                    "hostctl: no script: name a FILE, or - to read it from stdin\n");
        }

        @Test
        void dash_and_a_pipe_read_the_script_from_stdin_and_go_on_to_the_api() throws IOException {
            Files.writeString(dir.resolve("m.eml"), "Subject: hi\r\n\r\nhi\r\n");

            assertReachedTheApi(hostctl.runWithStdin("keep;\n", "sieve", "check", ADDRESS, "-"));
            assertReachedTheApi(hostctl.runWithStdin("keep;\n", "sieve", "check", ADDRESS));
            assertReachedTheApi(hostctl.runWithStdin("keep;\n", "sieve", "put", ADDRESS, "filters", "-", "--activate"));
            assertReachedTheApi(hostctl.runWithStdin("keep;\n", "sieve", "test", ADDRESS, "-", "--message", "m.eml",
                    "--from", "bob@example.net"));
            assertReachedTheApi(hostctl.runWithStdin("Subject: hi\r\n\r\n", "sieve", "test", ADDRESS, "--script",
                    "filters", "--message", "-"));
        }

        @Test
        void delete_needs_yes_without_a_terminal() {
            assertUsage(hostctl.run("sieve", "delete", ADDRESS, "filters"), "add --yes to confirm");
            assertReachedTheApi(hostctl.run("sieve", "delete", ADDRESS, "filters", "--deactivate", "--yes"));
        }

        @Test
        void delete_asks_on_a_terminal_and_a_no_changes_nothing() {
            HostctlRun r = hostctl.terminal("n").run("sieve", "delete", ADDRESS, "filters");

            assertUsage(r, "cancelled; nothing was changed");
        }

        @Test
        void names_that_are_not_one_path_segment_are_refused() {
            assertUsage(hostctl.run("sieve", "get", ADDRESS, ".."), "hostctl: not a script name: '..'\n");
            assertUsage(hostctl.run("sieve", "rename", ADDRESS, "filters", "."), "hostctl: not a script name: '.'\n");
            assertUsage(hostctl.run("sieve", "activate", ADDRESS, ""), "hostctl: not a script name: ''\n");
        }

        @Test
        void every_command_reaches_the_api_with_good_arguments() throws IOException {
            Files.writeString(dir.resolve("f.sieve"), "keep;\n");
            Files.writeString(dir.resolve("m.eml"), "Subject: hi\r\n\r\nhi\r\n");
            List<String[]> lines = List.of(
                    new String[] {"sieve", "list", ADDRESS},
                    new String[] {"sieve", "get", ADDRESS, "filters", "-O", "out.sieve"},
                    new String[] {"sieve", "put", ADDRESS, "filters", "f.sieve"},
                    new String[] {"sieve", "check", ADDRESS, "f.sieve", "-o", "json"},
                    new String[] {"sieve", "test", ADDRESS, "f.sieve", "--message", "m.eml"},
                    new String[] {"sieve", "activate", ADDRESS, "filters"},
                    new String[] {"sieve", "deactivate", ADDRESS},
                    new String[] {"sieve", "rename", ADDRESS, "filters", "old"},
                    new String[] {"sieve", "edit", ADDRESS, "filters"});
            for (String[] args : lines) {
                assertReachedTheApi(hostctl.run(args));
            }
            assertThat(dir.resolve("out.sieve")).doesNotExist();
        }

        @Test
        void every_command_has_help_with_examples() {
            for (String c : List.of("list", "get", "put", "edit", "check", "test", "activate", "deactivate", "rename",
                    "delete")) {
                HostctlRun r = hostctl.run("sieve", c, "--help");
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.out()).as(c).startsWith("Usage: hostctl sieve " + c).contains("Examples:");
            }
        }
    }

    @Nested
    class Input {
        private CliContext context(String stdin, boolean interactive) {
            return new CliContext(Map.of(), dir, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    interactive, p -> null, p -> null, (u, t, w) -> {
                        throw new AssertionError("no API here");
                    });
        }

        @Test
        void dash_reads_stdin() {
            assertThat(ScriptInput.script(context("require \"fileinto\";\n", false), "-"))
                    .isEqualTo("require \"fileinto\";\n");
        }

        @Test
        void no_file_reads_stdin_when_it_is_not_a_terminal() {
            assertThat(ScriptInput.script(context("keep;", false), null)).isEqualTo("keep;");
        }

        @Test
        void a_file_is_read_relative_to_the_working_directory() throws IOException {
            Files.createDirectories(dir.resolve("s"));
            Files.writeString(dir.resolve("s/f.sieve"), "discard; # ünïcode\n");

            assertThat(ScriptInput.script(context("", true), "s/f.sieve")).isEqualTo("discard; # ünïcode\n");
        }

        @Test
        void an_unreadable_file_names_the_option() {
            assertThatThrownBy(() -> ScriptInput.read(context("", false), "nope.eml", "--message"))
                    .isInstanceOfSatisfying(HostctlException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
                        assertThat(e.getMessage()).isEqualTo("cannot read --message: nope.eml: no such file");
                    });
        }
    }

    @Nested
    class Edit_loop {
        private final List<String> uploads = new ArrayList<>();
        private final List<ApiException> reported = new ArrayList<>();
        private int asked;
        private Path file;

        @BeforeEach
        void file() throws IOException {
            file = dir.resolve("edit.sieve");
            Files.writeString(file, "keep;\n");
        }

        /** An editor that writes each of {@code versions} in turn, one per run. */
        private SieveEditSession.Editor writes(String... versions) {
            List<String> queue = new ArrayList<>(List.of(versions));
            return f -> Files.writeString(f, queue.remove(0));
        }

        /** An uploader that refuses content containing "fileinot" with a 422 like hostd's. */
        private SieveEditSession.Uploader server() {
            return content -> {
                uploads.add(content);
                if (content.contains("fileinot")) {
                    throw compileError();
                }
                return new SieveScript("filters", true, null, List.of());
            };
        }

        private SieveEditSession session(SieveEditSession.Editor editor, SieveEditSession.Uploader uploader,
                Boolean answer) {
            return new SieveEditSession(editor, uploader, reported::add, answer == null ? null : () -> {
                asked++;
                return answer;
            });
        }

        @Test
        void an_unchanged_file_uploads_nothing() throws IOException {
            SieveEditSession.Outcome o = session(f -> {}, server(), true).run(file, "keep;\n");

            assertThat(o.unchanged()).isTrue();
            assertThat(o.uploads()).isZero();
            assertThat(uploads).isEmpty();
        }

        @Test
        void a_changed_file_is_uploaded_once() throws IOException {
            SieveEditSession.Outcome o = session(writes("discard;\n"), server(), true).run(file, "keep;\n");

            assertThat(o.unchanged()).isFalse();
            assertThat(o.script().name()).isEqualTo("filters");
            assertThat(uploads).containsExactly("discard;\n");
            assertThat(asked).isZero();
        }

        @Test
        void an_error_then_a_fix_uploads_twice_reopening_the_same_file() throws IOException {
            List<Path> edited = new ArrayList<>();
            SieveEditSession.Editor editor = writes("fileinot \"x\";\n", "fileinto \"x\";\n");
            SieveEditSession.Outcome o = session(f -> {
                edited.add(f);
                editor.edit(f);
            }, server(), true).run(file, "keep;\n");

            assertThat(uploads).containsExactly("fileinot \"x\";\n", "fileinto \"x\";\n");
            assertThat(o.uploads()).isEqualTo(2);
            assertThat(o.script()).isNotNull();
            assertThat(reported).hasSize(1);
            assertThat(asked).isEqualTo(1);
            assertThat(edited).containsExactly(file, file);
        }

        @Test
        void the_editor_sees_the_refused_version_again() throws IOException {
            List<String> seen = new ArrayList<>();
            SieveEditSession.Editor editor = writes("fileinot \"x\";\n", "fileinto \"x\";\n");
            session(f -> {
                seen.add(Files.readString(f));
                editor.edit(f);
            }, server(), true).run(file, "keep;\n");

            assertThat(seen).containsExactly("keep;\n", "fileinot \"x\";\n");
        }

        @Test
        void an_error_without_a_terminal_fails_with_the_servers_messages_and_exit_5() {
            assertThatThrownBy(() -> session(writes("fileinot \"x\";\n"), server(), null).run(file, "keep;\n"))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        StringWriter err = new StringWriter();
                        int code = CliExceptionHandler.report(e, new PrintWriter(err), false, "");
                        assertThat(code).isEqualTo(ExitCodes.REJECTED);
                        assertThat(err.toString()).isEqualTo("hostctl: the script does not compile\n"
                                + "hostctl: line 1: error: unknown command 'fileinot'.\n");
                    });
            assertThat(uploads).hasSize(1);
            assertThat(reported).isEmpty();
        }

        @Test
        void declining_to_edit_again_fails_with_exit_5_after_one_report() {
            assertThatThrownBy(() -> session(writes("fileinot \"x\";\n"), server(), false).run(file, "keep;\n"))
                    .isInstanceOfSatisfying(HostctlException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.REJECTED));
            assertThat(uploads).hasSize(1);
            assertThat(reported).hasSize(1);
            assertThat(asked).isEqualTo(1);
        }

        @Test
        void another_error_is_not_offered_for_editing_again() {
            ApiException down = new ApiException(503, new Problem("urn:hostctl:problem:backend-unavailable",
                    "Service unavailable", 503, "mail backend dovecot: connection refused", null, null),
                    "mail backend dovecot: connection refused");

            assertThatThrownBy(() -> session(writes("discard;\n"), c -> {
                throw down;
            }, true).run(file, "keep;\n")).isSameAs(down);
            assertThat(asked).isZero();
        }

        @Test
        void a_new_script_left_empty_uploads_nothing() throws IOException {
            Files.writeString(file, "");

            assertThat(session(f -> {}, server(), true).run(file, "").unchanged()).isTrue();
            assertThat(uploads).isEmpty();
        }
    }

    @Nested
    class Editor_command {
        @Test
        void visual_wins_over_editor_and_vi_is_the_fallback() {
            assertThat(SieveEditCommand.editorCommand("code --wait", "nano")).containsExactly("code", "--wait");
            assertThat(SieveEditCommand.editorCommand(null, " emacs  -nw ")).containsExactly("emacs", "-nw");
            assertThat(SieveEditCommand.editorCommand("", null)).containsExactly("vi");
        }
    }

    @Nested
    class Errors {
        @Test
        void a_backend_that_is_down_names_it_hints_at_status_and_exits_6() {
            ApiException e = new ApiException(503, new Problem("urn:hostctl:problem:backend-unavailable",
                    "Service unavailable", 503, "mail backend dovecot: connection refused", null, null),
                    "mail backend dovecot: connection refused");
            StringWriter err = new StringWriter();

            int code = CliExceptionHandler.report(e, new PrintWriter(err), false, "");

            assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(err.toString()).isEqualTo("hostctl: mail backend dovecot: connection refused\n"
                    + "hint: see 'hostctl status'\n");
        }

        @Test
        void deleting_the_active_script_hints_at_deactivate() {
            ApiException e = new ApiException(409, new Problem("urn:hostctl:problem:sieve-active", "Conflict", 409,
                    "filters is the active script", null, null), "filters is the active script");
            StringWriter err = new StringWriter();

            assertThat(CliExceptionHandler.report(e, new PrintWriter(err), false, "")).isEqualTo(ExitCodes.REJECTED);
            assertThat(err.toString()).endsWith("hint: add --deactivate to delete the active script\n");
        }
    }

    @Nested
    class Atomic_write {
        @Test
        void a_new_file_is_private_and_no_temporary_file_is_left() throws IOException {
            Path target = dir.resolve("filters.sieve");

            AtomicFile.write(target, "keep;\n");

            assertThat(target).hasContent("keep;\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("filters.sieve", "home");
            }
        }

        @Test
        void a_replaced_file_keeps_its_permissions() throws IOException {
            Path target = dir.resolve("filters.sieve");
            Files.writeString(target, "old\n");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

            AtomicFile.write(target, "new\n");

            assertThat(target).hasContent("new\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
        }
    }

    static ApiException compileError() {
        Problem p = new Problem("urn:hostctl:problem:invalid", "Invalid input", 422, "the script does not compile",
                null, List.of(new Problem.FieldError("line 1: error: unknown command 'fileinot'.", "/content")));
        return new ApiException(422, p, p.detail());
    }
}
