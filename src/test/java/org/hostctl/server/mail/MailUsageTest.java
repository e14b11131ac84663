package org.hostctl.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailUsageTest {
    @TempDir
    Path root;

    private void file(String rel, int bytes) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    @Test
    void usage_counts_the_messages_of_every_folder_with_the_size_dovecot_counts_and_nothing_else()
            throws IOException {
        file("example.com/ann/Maildir/cur/1701.M1P2.mx,S=1035,W=1067:2,S", 1035);
        file("example.com/ann/Maildir/new/1702.M3P4.mx,S=500,W=520", 500);
        file("example.com/ann/Maildir/.Archive/cur/1703.M5P6.mx,S=100:2,", 100);
        file("example.com/ann/Maildir/.Archive/new/1704.other-mta", 77);
        file("example.com/ann/Maildir/tmp/1705.M7P8.mx,S=9000,W=9100", 9000);
        file("example.com/ann/Maildir/dovecot.index.cache", 4096);
        file("example.com/ann/Maildir/dovecot-uidlist", 300);
        file("example.com/ann/sieve/rules.sieve", 200);
        file("example.com/ann/.dovecot.sieve", 50);
        file("example.com/bob/Maildir/cur/1706.M9P1.mx,S=10,W=11:2,", 10);

        MailUsage.Usage u = new MailUsage(root).usage("example.com/ann");

        assertThat(u.bytes()).isEqualTo(1067 + 520 + 100 + 77);
        assertThat(u.source()).isEqualTo("maildir");
        assertThat(new MailUsage(root).usage("example.com/nobody").bytes()).as("no maildir yet").isZero();
    }

    @Test
    void the_size_in_a_file_name_is_read_before_the_flags_only() {
        assertThat(MailUsage.messageSize("1.M1.mx,S=10,W=12:2,S", 99)).isEqualTo(12);
        assertThat(MailUsage.messageSize("1.M1.mx,S=10:2,S", 99)).isEqualTo(10);
        assertThat(MailUsage.messageSize("1.M1.mx:2,W=5", 99)).as("flags are not a size").isEqualTo(99);
        assertThat(MailUsage.messageSize("1.M1.mx", 99)).isEqualTo(99);
    }
}
