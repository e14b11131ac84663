package org.hostctl.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AliasLoopTest {
    @Test
    void a_destination_leading_back_to_the_source_is_a_loop() {
        Map<String, List<String>> all = Map.of("b@x.example", List.of("c@x.example"), "c@x.example",
                List.of("a@x.example"));

        assertThat(AliasService.loop("a@x.example", Set.of("b@x.example"), all))
                .isEqualTo("a@x.example -> b@x.example -> c@x.example -> a@x.example");
    }

    @Test
    void keeping_a_copy_in_the_source_itself_is_no_loop() {
        assertThat(AliasService.loop("a@x.example", Set.of("a@x.example", "b@x.example"), Map.of())).isNull();
    }

    @Test
    void a_diamond_without_a_cycle_is_fine_and_cycles_elsewhere_do_not_hang() {
        Map<String, List<String>> all = Map.of(
                "b@x.example", List.of("d@x.example"), "c@x.example", List.of("d@x.example"),
                "d@x.example", List.of("e@x.example"), "e@x.example", List.of("d@x.example"));

        assertThat(AliasService.loop("a@x.example", Set.of("b@x.example", "c@x.example"), all)).isNull();
    }

    @Test
    void a_loop_names_only_the_accounts_own_addresses() {
        List<String> path = List.of("bx@b.test", "fw@a.test", "hidden-internal@a.test", "bx@b.test");

        assertThat(AliasService.shown(path, Set.of("b.test"))).isEqualTo("bx@b.test -> [outside your account] -> "
                + "bx@b.test; the loop passes through addresses outside your account");
        assertThat(AliasService.shown(List.of("a@x.example", "b@x.example", "a@x.example"), Set.of("x.example")))
                .isEqualTo("a@x.example -> b@x.example -> a@x.example");
    }
}
