package org.hostctl.server.php;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.hostctl.server.php.Resolution.Origin;
import org.hostctl.server.php.Resolution.Problem;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HandlerResolverTest {
    private static final String DEFAULT = "php82-cgi";
    private static final String FPM74 = "proxy:unix:/run/fpm-php74.sock|fcgi://localhost";
    private static final String FPM82 = "proxy:unix:/run/fpm-php82.sock|fcgi://localhost";
    private static final Predicate<String> KNOWN = Set.of("php56-cgi", "php74-cgi", "php82-cgi", FPM74, FPM82)::contains;

    /** The verified setup of php-handlers.md §2: directory → .htaccess text (docroot is ""). */
    private static Map<String, String> verifiedTree() {
        Map<String, String> tree = new HashMap<>();
        tree.put("legacy", "AddHandler php74-cgi .php\n");
        tree.put("legacy/deeper/modern", "AddHandler php82-cgi .php\n");
        tree.put("old56", "AddHandler php56-cgi .php\n");
        tree.put("fpm", "<FilesMatch \\.php$>\n  SetHandler \"" + FPM74 + "\"\n</FilesMatch>\n");
        tree.put("fpm/sub82", "<FilesMatch \\.php$>\n  SetHandler \"" + FPM82 + "\"\n</FilesMatch>\n");
        tree.put("fpm/back-to-cgi", "AddHandler php74-cgi .php\n");
        tree.put("fpm/back-to-cgi-fixed", "<FilesMatch \\.php$>\n  SetHandler php74-cgi\n</FilesMatch>\n");
        return tree;
    }

    /** Builds the chain from the docroot down to {@code target}, parsing each directory's .htaccess. */
    private static List<HtaccessState> chain(Map<String, String> tree, String target) {
        List<HtaccessState> chain = new ArrayList<>();
        String dir = "";
        List<String> dirs = new ArrayList<>(List.of(""));
        if (!target.isEmpty()) {
            for (String segment : target.split("/")) {
                dir = dir.isEmpty() ? segment : dir + "/" + segment;
                dirs.add(dir);
            }
        }
        for (String d : dirs) {
            String text = tree.get(d);
            chain.add(text == null ? HtaccessState.absent(d)
                    : HtaccessState.parsed(d, HtaccessParser.parse(text.getBytes(UTF_8))));
        }
        return chain;
    }

    @ParameterizedTest(name = "/{0}/which.php -> {1} ({2} {3})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "''                          | php82-cgi | ACCOUNT_DEFAULT | -",
        "legacy                      | php74-cgi | THIS_DIRECTORY  | legacy",
        "legacy/deeper               | php74-cgi | INHERITED       | legacy",
        "legacy/deeper/modern        | php82-cgi | THIS_DIRECTORY  | legacy/deeper/modern",
        "old56                       | php56-cgi | THIS_DIRECTORY  | old56",
        "fpm                         | FPM74     | THIS_DIRECTORY  | fpm",
        "fpm/sub                     | FPM74     | INHERITED       | fpm",
        "fpm/sub82                   | FPM82     | THIS_DIRECTORY  | fpm/sub82",
        "fpm/back-to-cgi             | FPM74     | INHERITED       | fpm",
        "fpm/back-to-cgi-fixed       | php74-cgi | THIS_DIRECTORY  | fpm/back-to-cgi-fixed",
        "fpm/back-to-cgi-fixed/x/y   | php74-cgi | INHERITED       | fpm/back-to-cgi-fixed"})
    void the_verified_inheritance_table(String target, String handler, Origin origin, String source) {
        String expected = switch (handler) {
            case "FPM74" -> FPM74;
            case "FPM82" -> FPM82;
            default -> handler;
        };
        Resolution r = HandlerResolver.resolve(chain(verifiedTree(), target), DEFAULT, KNOWN);
        assertThat(r.handler()).isEqualTo(expected);
        assertThat(r.origin()).isEqualTo(origin);
        assertThat(r.directory()).isEqualTo(source);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void an_add_handler_below_a_set_handler_is_reported_as_shadowed() {
        Resolution r = HandlerResolver.resolve(chain(verifiedTree(), "fpm/back-to-cgi/deeper"), DEFAULT, KNOWN);
        assertThat(r.handler()).isEqualTo(FPM74);
        assertThat(r.shadowed()).singleElement().satisfies(s -> {
            assertThat(s.directory()).isEqualTo("fpm/back-to-cgi");
            assertThat(s.directive().value()).isEqualTo("php74-cgi");
            assertThat(s.shadowedBy()).isEqualTo("fpm");
        });
    }

    @Test
    void the_dyn_sequence_takes_effect_per_file_content() {
        Map<String, String> tree = new HashMap<>();
        tree.put("dyn", "AddHandler php74-cgi .php\n");
        assertThat(HandlerResolver.resolve(chain(tree, "dyn"), DEFAULT, KNOWN).handler()).isEqualTo("php74-cgi");
        tree.put("dyn", "AddHandler php56-cgi .php\n");
        assertThat(HandlerResolver.resolve(chain(tree, "dyn"), DEFAULT, KNOWN).handler()).isEqualTo("php56-cgi");
        tree.remove("dyn");
        Resolution r = HandlerResolver.resolve(chain(tree, "dyn"), DEFAULT, KNOWN);
        assertThat(r.handler()).isEqualTo(DEFAULT);
        assertThat(r.origin()).isEqualTo(Origin.ACCOUNT_DEFAULT);
        assertThat(r.directive()).isNull();
    }

    @Test
    void a_set_handler_in_the_same_file_beats_an_add_handler() {
        Map<String, String> tree = Map.of("a", "AddHandler php56-cgi .php\nSetHandler php74-cgi\n");
        Resolution r = HandlerResolver.resolve(chain(tree, "a"), DEFAULT, KNOWN);
        assertThat(r.handler()).isEqualTo("php74-cgi");
        assertThat(r.shadowed()).extracting(s -> s.directive().value()).containsExactly("php56-cgi");
    }

    @Nested
    class Problems {
        @Test
        void an_unknown_deciding_handler_is_reported() {
            Map<String, String> tree = Map.of("wp", "AddHandler php-82-cgi .php\n");
            Resolution r = HandlerResolver.resolve(chain(tree, "wp/sub"), DEFAULT, KNOWN);
            assertThat(r.handler()).isEqualTo("php-82-cgi");
            assertThat(r.origin()).isEqualTo(Origin.INHERITED);
            assertThat(r.problems()).containsExactly(new Problem(Problem.Kind.UNKNOWN_HANDLER, "wp",
                    "line 1: handler php-82-cgi is not configured on this node: Apache would serve PHP source as plain text"));
        }

        @Test
        void control_characters_from_the_file_are_escaped_in_messages() {
            Map<String, String> tree = Map.of("", "AddHandler \"php\u001b[2J\u202Ecgi\" .php\n");
            Resolution r = HandlerResolver.resolve(chain(tree, ""), DEFAULT, KNOWN);
            assertThat(r.problems()).singleElement().extracting(Problem::message).asString()
                    .contains("php\\u001B[2J\\u202Ecgi").doesNotContain("\u001b", "\u202E");
        }

        @Test
        void an_unreadable_file_is_reported_and_skipped() {
            List<HtaccessState> chain = new ArrayList<>(chain(verifiedTree(), "legacy"));
            chain.add(HtaccessState.unreadable("legacy/x", "'legacy/x/.htaccess' is a symbolic link"));
            Resolution r = HandlerResolver.resolve(chain, DEFAULT, KNOWN);
            assertThat(r.handler()).isEqualTo("php74-cgi");
            assertThat(r.problems()).containsExactly(new Problem(Problem.Kind.UNREADABLE, "legacy/x",
                    ".htaccess could not be read safely: 'legacy/x/.htaccess' is a symbolic link"));
        }

        @Test
        void remove_handler_leaves_no_handler() {
            Map<String, String> tree = Map.of("", "AddHandler php74-cgi .php\n", "raw", "RemoveHandler .php\n");
            Resolution r = HandlerResolver.resolve(chain(tree, "raw/deeper"), DEFAULT, KNOWN);
            assertThat(r.handler()).isNull();
            assertThat(r.origin()).isEqualTo(Origin.REMOVED);
            assertThat(r.directory()).isEqualTo("raw");
            assertThat(r.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.HANDLER_REMOVED);
        }

        @Test
        void add_type_is_reported_and_does_not_decide() {
            Map<String, String> tree = Map.of("old", "AddType application/x-httpd-php5 .php\n");
            Resolution r = HandlerResolver.resolve(chain(tree, "old"), DEFAULT, KNOWN);
            assertThat(r.handler()).isEqualTo(DEFAULT);
            assertThat(r.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.ADD_TYPE_IGNORED);
        }
    }

    @Test
    void set_handler_none_cancels_set_handlers_above() {
        Map<String, String> tree = Map.of("fpm", "SetHandler \"" + FPM74 + "\"\n",
                "fpm/plain", "SetHandler None\n", "", "AddHandler php56-cgi .php\n");
        Resolution r = HandlerResolver.resolve(chain(tree, "fpm/plain"), DEFAULT, KNOWN);
        assertThat(r.handler()).isEqualTo("php56-cgi");
        assertThat(r.origin()).isEqualTo(Origin.INHERITED);
        assertThat(r.directory()).isEmpty();
    }

    @Test
    void an_empty_chain_is_a_programming_error() {
        assertThatThrownBy(() -> HandlerResolver.resolve(List.of(), DEFAULT, KNOWN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
