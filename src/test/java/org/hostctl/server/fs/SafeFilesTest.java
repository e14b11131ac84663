package org.hostctl.server.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SafeFilesTest {
    private static final int FOREIGN_UID = 4242;
    private static final int OTHER_GID = 4343;
    private static final byte[] CONTENT = "AddHandler php74-cgi .php\n".getBytes(UTF_8);

    @TempDir
    Path base;
    Path web;
    Path outside;
    SafeFiles files;

    @BeforeEach
    void setUp() throws IOException {
        web = Files.createDirectory(base.resolve("web"));
        outside = Files.createDirectories(base.resolve("outside/etc"));
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        outside = base.resolve("outside");
        files = new SafeFiles(web);
    }

    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> all = Files.walk(base)) {
            for (Path p : all.filter(Files::isSymbolicLink).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every file and directory below {@code dir} with its bytes (or "<dir>") and mtime. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String kind = Files.isSymbolicLink(p) ? "link->" + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "<dir>"
                        : new String(Files.readAllBytes(p), UTF_8);
                FileTime mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                result.put(dir.relativize(p).toString(), kind + " @" + mtime.toMillis());
            }
        }
        return result;
    }

    private static void symlink(Path link, String target) throws IOException {
        Files.createSymbolicLink(link, Path.of(target));
    }

    private static void setOwner(Path p, int uid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    private static WebPath path(String s) {
        return WebPath.parse(s);
    }

    private static List<String> tempLeftovers(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".hostd-tmp-")).toList();
        }
    }

    @Nested
    class Read {
        @Test
        void returns_the_bytes_of_a_regular_file() throws IOException {
            Files.createDirectories(web.resolve("a/b"));
            Files.write(web.resolve("a/b/.htaccess"), CONTENT);
            assertThat(files.read(path("a/b"), ".htaccess", 1024)).contains(CONTENT);
        }

        @Test
        void is_empty_when_the_file_or_its_directory_is_missing() throws IOException {
            assertThat(files.read(WebPath.root(), ".htaccess", 1024)).isEmpty();
            assertThat(files.read(path("no/such/dir"), ".htaccess", 1024)).isEmpty();
        }

        @Test
        void refuses_files_larger_than_the_limit() throws IOException {
            Files.write(web.resolve(".htaccess"), new byte[101]);
            assertThat(files.read(WebPath.root(), ".htaccess", 101)).get().extracting(b -> b.length).isEqualTo(101);
            assertThatThrownBy(() -> files.read(WebPath.root(), ".htaccess", 100))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("too large");
        }

        @Test
        void refuses_a_directory_named_like_the_file() throws IOException {
            Files.createDirectory(web.resolve(".htaccess"));
            assertThatThrownBy(() -> files.read(WebPath.root(), ".htaccess", 100))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
        }

        @Test
        void refuses_a_fifo_without_blocking() throws Exception {
            Path fifo = web.resolve(".htaccess");
            mkfifo(fifo);
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThatThrownBy(() -> files.read(WebPath.root(), ".htaccess", 100))
                        .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
                assertThatThrownBy(() -> files.writeAtomically(WebPath.root(), ".htaccess", CONTENT))
                        .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
                assertThatThrownBy(() -> files.delete(WebPath.root(), ".htaccess"))
                        .isInstanceOf(UnsafePathException.class);
            });
            assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();
        }

        @Test
        void refuses_a_fifo_in_place_of_a_directory_without_blocking() throws Exception {
            mkfifo(web.resolve("pipe"));
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThatThrownBy(() -> files.read(path("pipe"), ".htaccess", 100))
                        .isInstanceOf(UnsafePathException.class).hasMessageContaining("'pipe' is not a directory");
                assertThatThrownBy(() -> files.writeAtomically(path("pipe"), ".htaccess", CONTENT))
                        .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a directory");
            });
        }

        @Test
        void refuses_a_file_owned_by_another_uid() throws IOException {
            Files.write(web.resolve(".htaccess"), CONTENT);
            setOwner(web.resolve(".htaccess"), FOREIGN_UID);
            assertThatThrownBy(() -> files.read(WebPath.root(), ".htaccess", 100))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("not owned by the account");
        }
    }

    @Nested
    class Openat2_style_fixture {
        Map<String, String> before;
        Path newfile;

        @BeforeEach
        void buildFixture() throws IOException {
            Path passwd = outside.resolve("etc/passwd");
            newfile = outside.resolve("newfile");
            Files.createDirectories(web.resolve("cheeky"));
            Files.createDirectories(web.resolve("real"));
            symlink(web.resolve("abssym"), passwd.toString());
            symlink(web.resolve("relsym"), "../outside/etc/passwd");
            symlink(web.resolve("cheeky/dotdotlink"), "../../../../../../../.." + passwd);
            symlink(web.resolve("cheeky/self"), "../../web/");
            symlink(web.resolve("garbagelink"), "/../../.." + passwd);
            symlink(web.resolve("creatlink"), newfile.toString());
            symlink(web.resolve("chain1"), "chain2");
            symlink(web.resolve("chain2"), "abssym");
            symlink(web.resolve("dangling"), "/nonexistent/" + base.getFileName());
            symlink(web.resolve("etcdir"), outside.resolve("etc").toString());
            symlink(web.resolve("procroot"), "/proc/self/root");
            symlink(web.resolve("real/up"), "..");
            before = snapshot(outside);
        }

        @ParameterizedTest
        @ValueSource(strings = {"abssym", "relsym", "cheeky/dotdotlink", "garbagelink", "creatlink", "chain1",
            "chain2", "dangling", "etcdir", "procroot", "cheeky/self", "real/up"})
        void nothing_is_read_written_created_or_deleted_through_a_link(String link) throws IOException {
            WebPath file = path(link);
            assertThatThrownBy(() -> files.read(file.parent(), file.name(), 1 << 20))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.writeAtomically(file.parent(), file.name(), CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.createNew(file.parent(), file.name(), CONTENT))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThatThrownBy(() -> files.delete(file.parent(), file.name()))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThat(files.stat(file).kind()).isEqualTo(PathInfo.Kind.SYMBOLIC_LINK);
            assertThat(Files.isSymbolicLink(web.resolve(link))).isTrue();
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(newfile).doesNotExist();
        }

        @ParameterizedTest
        @ValueSource(strings = {"etcdir", "procroot", "procroot/tmp", "cheeky/self", "real/up", "chain1", "dangling",
            "creatlink"})
        void a_link_used_as_a_directory_is_refused(String link) throws IOException {
            WebPath dir = path(link);
            assertThatThrownBy(() -> files.writeAtomically(dir, "passwd", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.writeAtomically(dir, ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.read(dir, "passwd", 1 << 20))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.createNew(dir, "newfile", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> files.isDirectory(dir.resolve("x")))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("is a symbolic link");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(newfile).doesNotExist();
        }

        @Test
        void a_write_through_proc_self_root_to_the_outside_directory_is_refused() throws IOException {
            List<String> segments = new ArrayList<>(List.of("procroot"));
            outside.forEach(p -> segments.add(p.toString()));
            WebPath viaProc = new WebPath(segments);
            assertThatThrownBy(() -> files.writeAtomically(viaProc, "newfile", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("'procroot' is a symbolic link");
            assertThat(newfile).doesNotExist();
            assertThat(snapshot(outside)).isEqualTo(before);
        }

        @Test
        void the_walk_skips_every_link() throws IOException {
            assertThat(files.walkDirectories(WebPath.root(), 10, 100)).extracting(WebPath::toString)
                    .containsExactly("", "cheeky", "real");
        }
    }

    @Nested
    class Write_atomically {
        @Test
        void creates_a_new_file_with_mode_0644_owned_like_its_directory() throws IOException {
            Path sub = Files.createDirectory(web.resolve("sub"));
            Files.setAttribute(sub, "unix:gid", OTHER_GID);
            files.writeAtomically(path("sub"), ".htaccess", CONTENT);
            Path written = sub.resolve(".htaccess");
            assertThat(Files.readAllBytes(written)).isEqualTo(CONTENT);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
            assertThat(Files.getAttribute(written, "unix:gid")).isEqualTo(OTHER_GID);
            assertThat(Files.getAttribute(written, "unix:uid")).isEqualTo(Files.getAttribute(web, "unix:uid"));
            assertThat(tempLeftovers(web)).isEmpty();
        }

        @Test
        void replaces_an_existing_file_keeping_owner_group_and_mode_0640() throws IOException {
            Path target = web.resolve(".htaccess");
            Files.writeString(target, "old\n");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
            Files.setAttribute(target, "unix:gid", OTHER_GID);
            files.writeAtomically(WebPath.root(), ".htaccess", CONTENT);
            assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
            assertThat(Files.getAttribute(target, "unix:gid")).isEqualTo(OTHER_GID);
            assertThat(tempLeftovers(web)).isEmpty();
        }

        @Test
        void never_writes_through_a_hard_link() throws IOException {
            Path victim = outside.resolve("victim.conf");
            Files.writeString(victim, "secret\n");
            Path htaccess = web.resolve(".htaccess");
            Files.createLink(htaccess, victim);
            files.writeAtomically(WebPath.root(), ".htaccess", CONTENT);
            assertThat(Files.readString(victim)).isEqualTo("secret\n");
            assertThat(Files.readAllBytes(htaccess)).isEqualTo(CONTENT);
            assertThat(Files.isSameFile(victim, htaccess)).isFalse();
        }

        @Test
        void refuses_a_symlinked_htaccess_and_leaves_its_target_unchanged() throws IOException {
            Path victim = outside.resolve("other-tenant.htaccess");
            Files.writeString(victim, "AddHandler php56-cgi .php\n");
            Files.createDirectory(web.resolve("sub"));
            symlink(web.resolve("sub/.htaccess"), victim.toString());
            Map<String, String> before = snapshot(outside);
            assertThatThrownBy(() -> files.writeAtomically(path("sub"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'sub/.htaccess' is a symbolic link");
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(tempLeftovers(web)).isEmpty();
        }

        @Test
        void refuses_a_symlinked_parent_directory() throws IOException {
            Path otherDocroot = Files.createDirectories(outside.resolve("other/public_html"));
            symlink(web.resolve("sub"), otherDocroot.toString());
            assertThatThrownBy(() -> files.writeAtomically(path("sub"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'sub' is a symbolic link");
            Files.createDirectory(otherDocroot.resolve("deeper"));
            assertThatThrownBy(() -> files.writeAtomically(path("sub/deeper"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'sub' is a symbolic link");
            try (Stream<Path> list = Files.list(otherDocroot)) {
                assertThat(list).containsExactly(otherDocroot.resolve("deeper"));
            }
        }

        @Test
        void refuses_a_directory_owned_by_another_uid() throws IOException {
            Path sub = Files.createDirectory(web.resolve("sub"));
            Files.createDirectory(sub.resolve("deeper"));
            setOwner(sub, FOREIGN_UID);
            assertThatThrownBy(() -> files.writeAtomically(path("sub/deeper"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'sub' is not owned by the account");
            assertThat(sub.resolve("deeper/.htaccess")).doesNotExist();
        }

        @Test
        void refuses_a_file_owned_by_another_uid() throws IOException {
            Path target = web.resolve(".htaccess");
            Files.writeString(target, "old\n");
            setOwner(target, FOREIGN_UID);
            assertThatThrownBy(() -> files.writeAtomically(WebPath.root(), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("not owned by the account");
            assertThat(Files.readString(target)).isEqualTo("old\n");
        }

        @Test
        void refuses_a_read_only_directory() throws IOException {
            Path sub = Files.createDirectory(web.resolve("sub"));
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-xr-xr-x"));
            assertThatThrownBy(() -> files.writeAtomically(path("sub"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'sub' is a read-only directory");
            assertThat(sub.resolve(".htaccess")).doesNotExist();
        }

        @Test
        void refuses_a_directory_in_place_of_the_file() throws IOException {
            Files.createDirectory(web.resolve(".htaccess"));
            assertThatThrownBy(() -> files.writeAtomically(WebPath.root(), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
            assertThat(tempLeftovers(web)).isEmpty();
        }

        @Test
        void refuses_a_file_in_place_of_a_directory() throws IOException {
            Files.writeString(web.resolve("index.html"), "hi");
            assertThatThrownBy(() -> files.writeAtomically(path("index.html"), ".htaccess", CONTENT))
                    .isInstanceOf(UnsafePathException.class).hasMessage("'index.html' is not a directory");
        }

        @Test
        void never_creates_directories() {
            assertThatThrownBy(() -> files.writeAtomically(path("missing"), ".htaccess", CONTENT))
                    .isInstanceOf(NoSuchFileException.class);
            assertThat(web.resolve("missing")).doesNotExist();
        }

        @Test
        void validates_the_file_name() {
            assertThatThrownBy(() -> files.writeAtomically(WebPath.root(), "../x", CONTENT))
                    .isInstanceOf(UnsafePathException.class);
            assertThatThrownBy(() -> files.writeAtomically(WebPath.root(), "..", CONTENT))
                    .isInstanceOf(UnsafePathException.class);
        }

        @Test
        void works_when_the_webspace_root_itself_is_reached_through_a_link() throws IOException {
            Path alias = base.resolve("web-alias");
            symlink(alias, web.toString());
            new SafeFiles(alias).writeAtomically(WebPath.root(), ".htaccess", CONTENT);
            assertThat(Files.readAllBytes(web.resolve(".htaccess"))).isEqualTo(CONTENT);
        }
    }

    @Nested
    class Swap_race {
        @Test
        void a_directory_flipped_to_a_link_never_redirects_a_write() throws Exception {
            Path target = Files.createDirectory(outside.resolve("target"));
            Path sub = Files.createDirectory(web.resolve("sub"));
            Path parkedDir = web.resolve("parked-dir");
            Path parkedLink = web.resolve("parked-link");
            symlink(parkedLink, target.toString());
            AtomicBoolean stop = new AtomicBoolean();
            int[] outcome = new int[3]; // successes, refusals, io failures

            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Thread flipper = new Thread(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    try {
                        for (int i = 0; i < 10_000 && System.nanoTime() < deadline; i++) {
                            Files.move(sub, parkedDir, StandardCopyOption.ATOMIC_MOVE);
                            Files.move(parkedLink, sub, StandardCopyOption.ATOMIC_MOVE);
                            Files.move(sub, parkedLink, StandardCopyOption.ATOMIC_MOVE);
                            Files.move(parkedDir, sub, StandardCopyOption.ATOMIC_MOVE);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        stop.set(true);
                    }
                });
                flipper.start();
                while (!stop.get()) {
                    Throwable t = catchThrowable(() -> files.writeAtomically(path("sub"), ".htaccess", CONTENT));
                    if (t == null) {
                        outcome[0]++;
                    } else if (t instanceof UnsafePathException) {
                        outcome[1]++;
                    } else {
                        assertThat(t).isInstanceOf(IOException.class);
                        outcome[2]++;
                    }
                }
                flipper.join();
            });

            try (Stream<Path> list = Files.list(target)) {
                assertThat(list).isEmpty();
            }
            assertThat(Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(outcome[0] + outcome[1] + outcome[2]).isPositive();
            assertThat(outcome[0]).as("some writes succeed inside").isPositive();
            assertThat(Files.readAllBytes(sub.resolve(".htaccess"))).isEqualTo(CONTENT);
            assertThat(tempLeftovers(web)).isEmpty();
        }
    }

    @Nested
    class Create_and_delete {
        @Test
        void create_new_fails_if_the_name_is_taken() throws IOException {
            files.createNew(WebPath.root(), ".hostd-probe", "probe".getBytes(UTF_8));
            assertThat(Files.readString(web.resolve(".hostd-probe"))).isEqualTo("probe");
            assertThatThrownBy(() -> files.createNew(WebPath.root(), ".hostd-probe", CONTENT))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(Files.readString(web.resolve(".hostd-probe"))).isEqualTo("probe");
        }

        @Test
        void delete_removes_a_regular_file_and_reports_a_missing_one() throws IOException {
            Files.write(web.resolve(".htaccess"), CONTENT);
            assertThat(files.delete(WebPath.root(), ".htaccess")).isTrue();
            assertThat(web.resolve(".htaccess")).doesNotExist();
            assertThat(files.delete(WebPath.root(), ".htaccess")).isFalse();
        }

        @Test
        void delete_refuses_directories() throws IOException {
            Files.createDirectory(web.resolve(".htaccess"));
            assertThatThrownBy(() -> files.delete(WebPath.root(), ".htaccess"))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
            assertThat(web.resolve(".htaccess")).isDirectory();
        }
    }

    @Nested
    class Stat_and_walk {
        @Test
        void stat_reports_kind_without_following_links() throws IOException {
            Files.createDirectories(web.resolve("a/b"));
            Files.write(web.resolve("a/file"), CONTENT);
            symlink(web.resolve("a/link"), "b");
            assertThat(files.stat(WebPath.root()).kind()).isEqualTo(PathInfo.Kind.DIRECTORY);
            assertThat(files.stat(path("a/b")).kind()).isEqualTo(PathInfo.Kind.DIRECTORY);
            assertThat(files.stat(path("a/file"))).isEqualTo(new PathInfo(PathInfo.Kind.REGULAR_FILE,
                    CONTENT.length, true));
            assertThat(files.stat(path("a/link")).kind()).isEqualTo(PathInfo.Kind.SYMBOLIC_LINK);
            assertThat(files.stat(path("a/missing")).exists()).isFalse();
            assertThat(files.stat(path("missing/deeper")).exists()).isFalse();
            assertThat(files.isDirectory(path("a/b"))).isTrue();
            assertThat(files.isDirectory(path("a/link"))).isFalse();
        }

        @Test
        void walk_is_depth_first_bounded_and_skips_foreign_directories() throws IOException {
            Files.createDirectories(web.resolve("a/b/c/d"));
            Files.createDirectories(web.resolve("a/x"));
            Files.createDirectories(web.resolve("foreign/inner"));
            Files.write(web.resolve("a/file"), CONTENT);
            setOwner(web.resolve("foreign"), FOREIGN_UID);
            assertThat(files.walkDirectories(WebPath.root(), 10, 100)).extracting(WebPath::toString)
                    .containsExactly("", "a", "a/b", "a/b/c", "a/b/c/d", "a/x");
            assertThat(files.walkDirectories(path("a"), 1, 100)).extracting(WebPath::toString)
                    .containsExactly("a", "a/b", "a/x");
            assertThat(files.walkDirectories(WebPath.root(), 10, 3)).extracting(WebPath::toString)
                    .containsExactly("", "a", "a/b");
        }
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor()).isZero();
    }
}
