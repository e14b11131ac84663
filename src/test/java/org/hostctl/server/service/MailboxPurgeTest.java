package org.hostctl.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hostctl.api.Mailbox;
import org.hostctl.api.MailboxCreate;
import org.hostctl.support.Fixtures;
import org.hostctl.support.MutableClock;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MailboxPurgeTest {
    @Test
    void a_deleted_mailbox_is_restorable_within_the_retention_period_and_purged_with_its_mail_after_it(
            @TempDir Path tmp) throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        try (TestHostd hostd = TestHostd.start(tmp.resolve("data"),
                Fixtures.CONFIG + "mail:\n  retentionDays: 30\n", clock)) {
            hostd.addAccount("alice", Files.createDirectories(tmp.resolve("web")), List.of());
            MailboxService mail = hostd.hostd().mailboxes();
            mail.addDomain("alice", "example.com");
            Principal alice = new Principal("alice", "tok_test", false);
            for (String a : List.of("old@example.com", "recent@example.com", "kept@example.com")) {
                mail.create(alice, new MailboxCreate(a, null, true, null, null));
                Path maildir = Files.createDirectories(mail.mailRoot().resolve("example.com/" + a.split("@")[0]
                        + "/Maildir/cur"));
                Files.writeString(maildir.resolve("1.eml"), "Subject: hi\r\n\r\nmail of " + a + "\r\n");
            }
            mail.delete(alice, "old@example.com");
            clock.advance(Duration.ofDays(20));
            mail.delete(alice, "recent@example.com");
            clock.advance(Duration.ofDays(10).plusSeconds(1));

            assertThat(mail.purgeExpired()).isEqualTo(1);

            assertThat(mail.list(alice, null)).extracting(Mailbox::address, Mailbox::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("kept@example.com", Mailbox.ACTIVE),
                    org.assertj.core.groups.Tuple.tuple("recent@example.com", Mailbox.DELETED));
            assertThat(mail.mailRoot().resolve("example.com/old")).doesNotExist();
            assertThat(mail.mailRoot().resolve("example.com/recent/Maildir/cur/1.eml")).exists();
            assertThat(mail.restore(alice, "recent@example.com").state()).isEqualTo(Mailbox.ACTIVE);
            assertThat(mail.show(alice, "recent@example.com").usageBytes()).isGreaterThan(0);
            assertThat(mail.purgeExpired()).isZero();
        }
    }
}
