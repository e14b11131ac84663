package org.hostctl.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MaildirFoldersTest {
    @Test
    void folder_names_are_encoded_in_modified_utf7_as_dovecot_names_the_directories() {
        assertThat(MaildirFolders.encode("Archive.2026")).isEqualTo("Archive.2026");
        assertThat(MaildirFolders.encode("Q\u00e4")).isEqualTo("Q&AOQ-");
        assertThat(MaildirFolders.encode("R&D")).isEqualTo("R&-D");
        assertThat(MaildirFolders.encode("\u65e5\u672c\u8a9e")).isEqualTo("&ZeVnLIqe-");
        assertThat(MaildirFolders.encode("a\uD83D\uDE00b")).isEqualTo("a&2D3eAA-b");
    }
}
