package org.hostctl.server.sieve.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FolderNamesTest {
    @Test
    void encoded_characters_are_decoded_before_the_check_and_malformed_ones_stay() {
        assertThat(FolderNames.decodeEncoded("${hex:2e 2E}/x")).isEqualTo("../x");
        assertThat(FolderNames.decodeEncoded("${HEX: c3 a4 }${unicode:2e}${Unicode:1F600}"))
                .isEqualTo("\u00e4.\uD83D\uDE00");
        assertThat(FolderNames.decodeEncoded("${hex:zz}${1}")).isEqualTo("${hex:zz}${1}");
        assertThat(FolderNames.check("${hex:2e 2e}/x")).isPresent();
        assertThat(FolderNames.check("${hex:7e}x")).contains("starts with '~'");
    }

    @Test
    void folder_names_inside_the_hierarchy_pass_and_variables_stand_for_text() {
        assertThat(FolderNames.check("Lists.Work")).isEmpty();
        assertThat(FolderNames.check("Lists.${1}")).isEmpty();
        assertThat(FolderNames.check("${1}")).isEmpty();
        assertThat(FolderNames.check("a\\b & c")).isEmpty();
        assertThat(FolderNames.check("Lists.${1}.")).contains("starts or ends with the separator '.'");
        assertThat(FolderNames.check("..${1}")).isPresent();
        assertThat(FolderNames.check("")).contains("is empty");
        assertThat(FolderNames.check("a\tb")).contains("contains a control character");
    }

    @Test
    void literal_targets_skip_variables_and_flag_arguments_and_know_create() {
        String script = "require [\"fileinto\",\"mailbox\",\"imap4flags\",\"special-use\",\"variables\"];\n"
                + "fileinto :flags [\"\\\\Seen\"] :specialuse \"\\\\Junk\" \"Spam\";\n"
                + "fileinto :create \"New\"; fileinto \"Lists.${1}\";\n";

        assertThat(FolderNames.literalTargets(script)).containsExactly(new FolderNames.Target("Spam", 2, false),
                new FolderNames.Target("New", 3, true));
    }
}
