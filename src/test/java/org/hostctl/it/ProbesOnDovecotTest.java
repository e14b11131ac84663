package org.hostctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hostctl.server.status.GreetingProbe;
import org.hostctl.server.status.GreetingProbe.Protocol;
import org.hostctl.server.status.ProbeResult;
import org.hostctl.server.status.State;
import org.hostctl.server.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The greeting probes against a private Dovecot: IMAP, LMTP and ManageSieve answer; once it stops, all are refused. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbesOnDovecotTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration SLOW = Duration.ofSeconds(3);

    DovecotFixture dovecot;
    Map<Protocol, Integer> ports;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        DovecotFixture.assumeAvailable();
        Path db = tmp.resolve("hostd.db");
        Database.open("jdbc:sqlite:" + db).close(); // hostd's schema, in WAL mode as Dovecot needs it
        dovecot = DovecotFixture.builder(DovecotFixture.Driver.SQLITE, db.toString())
                .masterPassword("Probe-Master-Secret-17").start();
        ports = Map.of(Protocol.IMAP, dovecot.imapPort(), Protocol.LMTP, dovecot.lmtpPort(),
                Protocol.MANAGESIEVE, dovecot.sievePort());
    }

    @AfterAll
    void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    ProbeResult probe(Protocol protocol) {
        ProbeResult r = new GreetingProbe(protocol, "127.0.0.1", ports.get(protocol)).run(TIMEOUT, SLOW);
        assertThat(r.detail()).hasSizeLessThanOrEqualTo(200).doesNotContainPattern("\\p{Cntrl}");
        return r;
    }

    @Test
    @Order(1)
    void every_protocol_greets() {
        for (Protocol p : Protocol.values()) {
            ProbeResult r = probe(p);
            assertThat(r.state()).as(p + ": " + r.detail() + "\n" + dovecot.logTail()).isEqualTo(State.OK);
            assertThat(r.detail()).matches("greeting in \\d+ ms");
        }
    }

    @Test
    @Order(2)
    void the_probes_end_their_sessions_cleanly() {
        for (Protocol p : Protocol.values()) {
            assertThat(probe(p).state()).isEqualTo(State.OK);
        }
        assertThat(dovecot.logTail()).doesNotContainIgnoringCase("Connection reset")
                .doesNotContainIgnoringCase("Panic").doesNotContainIgnoringCase("Fatal");
    }

    @Test
    @Order(3)
    void a_stopped_dovecot_is_refused_on_every_protocol() {
        dovecot.stop();
        for (Protocol p : Protocol.values()) {
            ProbeResult r = probe(p);
            assertThat(r.state()).as(p.name()).isEqualTo(State.DOWN);
            assertThat(r.detail()).as(p.name()).isEqualTo("connection refused");
        }
    }
}
