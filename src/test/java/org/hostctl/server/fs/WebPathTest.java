package org.hostctl.server.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebPathTest {

    static Stream<Arguments> unsafe_paths() {
        String longSegment = "x".repeat(256);
        String longPath = String.join("/", java.util.Collections.nCopies(20, "y".repeat(250)));
        return Stream.of(
                Arguments.of("/etc", "absolute"),
                Arguments.of("/", "absolute"),
                Arguments.of("a//b", "empty path segment"),
                Arguments.of("a/", "empty path segment"),
                Arguments.of("./x", "'.' segments"),
                Arguments.of("x/.", "'.' segments"),
                Arguments.of("..", "'..' segments"),
                Arguments.of("../x", "'..' segments"),
                Arguments.of("sub/../../x", "'..' segments"),
                Arguments.of("a\\b", "backslash"),
                Arguments.of("..\\", "backslash"),
                Arguments.of("a\u0000b", "control character U+0000"),
                Arguments.of("/.\u0000./", "control character U+0000"),
                Arguments.of(".\u0000.", "control character U+0000"),
                Arguments.of("a\nb", "control character U+000A"),
                Arguments.of("a\rb", "control character U+000D"),
                Arguments.of("\u001b[31mred", "control character U+001B"),
                Arguments.of("a\u007fb", "control character U+007F"),
                Arguments.of("a\u0085b", "control character U+0085"),
                Arguments.of("a\u009fb", "control character U+009F"),
                Arguments.of("a\u2028b", "line separator U+2028"),
                Arguments.of("a\u2029b", "line separator U+2029"),
                Arguments.of("\u2024\u2024", "equivalent to '..'"),
                Arguments.of("sub/\u2024\u2024/x", "equivalent to '..'"),
                Arguments.of("\u2025", "equivalent to '..'"),
                Arguments.of("\uFF0E\uFF0E", "equivalent to '..'"),
                Arguments.of("\uFF0E", "equivalent to '.'"),
                Arguments.of("a\uFF0Fb", "equivalent to a slash"),
                Arguments.of("a\uFF3Cb", "equivalent to a slash"),
                Arguments.of("a\uD800b", "unpaired surrogate"),
                Arguments.of(longSegment, "longer than 255 bytes"),
                Arguments.of("\u00fc".repeat(128), "longer than 255 bytes"),
                Arguments.of(longPath, "longer than 4096 bytes"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource
    void unsafe_paths(String input, String reason) {
        assertThatThrownBy(() -> WebPath.parse(input))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r").isNotBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "public_html/wp-content", "%2e%2e", "%252e", "%2e%2e%2f", "a..b", "...",
        ".htaccess", "\u00fcber/caf\u00e9", "\uD83D\uDE00", "with space"})
    void ordinary_names_are_accepted_literally(String input) {
        assertThat(WebPath.parse(input).toString()).isEqualTo(input);
    }

    @Test
    void a_segment_of_exactly_255_bytes_is_accepted() {
        assertThat(WebPath.parse("x".repeat(255)).segments()).hasSize(1);
    }

    @Test
    void empty_string_and_a_single_dot_mean_the_root() {
        assertThat(WebPath.parse("").isRoot()).isTrue();
        assertThat(WebPath.parse(".").isRoot()).isTrue();
        assertThat(WebPath.parse(".")).isEqualTo(WebPath.root());
        assertThat(WebPath.root().toString()).isEmpty();
    }

    @Nested
    class Navigation {
        @Test
        void parent_and_name_split_the_last_segment() {
            WebPath path = WebPath.parse("a/b/c");
            assertThat(path.parent()).isEqualTo(WebPath.parse("a/b"));
            assertThat(path.name()).isEqualTo("c");
            assertThat(path.segments()).containsExactly("a", "b", "c");
            assertThat(WebPath.parse("a").parent().isRoot()).isTrue();
        }

        @Test
        void the_root_has_no_parent() {
            assertThatThrownBy(() -> WebPath.root().parent()).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void resolve_validates_the_new_segment() {
            assertThat(WebPath.parse("a").resolve(".htaccess").toString()).isEqualTo("a/.htaccess");
            assertThatThrownBy(() -> WebPath.parse("a").resolve("..")).isInstanceOf(UnsafePathException.class);
            assertThatThrownBy(() -> WebPath.parse("a").resolve("b/c")).isInstanceOf(UnsafePathException.class);
            assertThatThrownBy(() -> WebPath.root().resolve("")).isInstanceOf(UnsafePathException.class);
        }

        @Test
        void starts_with_compares_whole_segments() {
            WebPath path = WebPath.parse("public_html/legacy/deeper");
            assertThat(path.startsWith(WebPath.root())).isTrue();
            assertThat(path.startsWith(WebPath.parse("public_html/legacy"))).isTrue();
            assertThat(path.startsWith(path)).isTrue();
            assertThat(path.startsWith(WebPath.parse("public_html/leg"))).isFalse();
            assertThat(WebPath.parse("a").startsWith(path)).isFalse();
        }

        @Test
        void the_record_constructor_validates_too() {
            assertThatThrownBy(() -> new WebPath(List.of("a", "..")))
                    .isInstanceOf(UnsafePathException.class);
        }
    }
}
