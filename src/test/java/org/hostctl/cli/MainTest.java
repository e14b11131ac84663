package org.hostctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void commands_that_talk_to_the_api_get_the_warm_up_and_help_and_completion_do_not() {
        assertThat(Main.talksToTheApi(new String[] {"php", "show", "-o", "json"})).isTrue();
        assertThat(Main.talksToTheApi(new String[] {"--api-url", "unix:/run/hostd/api.sock", "status"})).isTrue();
        assertThat(Main.talksToTheApi(new String[] {})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"php", "show", "--help"})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"help", "php"})).isFalse();
        assertThat(Main.talksToTheApi(new String[] {"completion", "bash"})).isFalse();
    }
}
