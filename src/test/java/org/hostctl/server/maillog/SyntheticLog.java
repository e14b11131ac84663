package org.hostctl.server.maillog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates a realistic classic-syslog Postfix log for benchmarks: SASL submissions and inbound mail
 * (smtpd connect/client/disconnect, cleanup, qmgr, smtp/virtual/lmtp, removed), about 10 % deferrals that
 * later succeed or expire, 5 % bounces with a notification, and NOQUEUE rejects. Deterministic per seed.
 * Lines of different messages interleave a little, as in real logs.
 */
public final class SyntheticLog {
    /** Year of the generated stamps (the lines carry none): feed with {@code LineParser.at(UTC, REFERENCE)}. */
    public static final Instant REFERENCE = Instant.parse("2026-12-31T23:59:59Z");
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private SyntheticLog() {}

    /** Writes about 9–12 lines per message to {@code out}; returns the number of lines. */
    public static long write(Path out, int messages, long seed) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            return generate(messages, seed, line -> {
                try {
                    w.write(line);
                    w.write('\n');
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** Same lines to a consumer (no file). */
    public static long generate(int messages, long seed, java.util.function.Consumer<String> out) {
        Random rnd = new Random(seed);
        LocalDateTime t = LocalDateTime.of(2026, 3, 1, 0, 0, 0);
        long lines = 0;
        List<String[]> later = new ArrayList<>(); // {epochSecond, line} retries and late lines
        long inode = 0x1000;
        int pid = 1000;
        for (int m = 0; m < messages; m++) {
            t = t.plusNanos((long) (rnd.nextInt(900) + 50) * 1_000_000L);
            String qid = String.format(Locale.ROOT, "%05X%X", rnd.nextInt(0xFFFFF), inode++);
            int spid = pid + rnd.nextInt(50);
            String ip = "198.51." + rnd.nextInt(256) + "." + rnd.nextInt(256);
            String user = "user" + rnd.nextInt(500) + "@customer" + rnd.nextInt(50) + ".test";
            boolean outbound = rnd.nextInt(10) < 6;
            List<String> block = new ArrayList<>();
            String prog = outbound ? "postfix/submission/smtpd" : "postfix/smtpd";
            block.add(prog + "[" + spid + "]: connect from client" + m + ".example[" + ip + "]");
            int roll = rnd.nextInt(100);
            if (roll < 8) { // NOQUEUE reject, no message
                block.add(prog + "[" + spid + "]: NOQUEUE: reject: RCPT from client" + m + ".example[" + ip
                        + "]: 554 5.7.1 <victim" + m + "@remote.test>: Relay access denied; from=<" + user
                        + "> to=<victim" + m + "@remote.test> proto=ESMTP helo=<client" + m + ".example>");
                block.add(prog + "[" + spid + "]: disconnect from client" + m + ".example[" + ip
                        + "] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
                lines += emit(out, t, block);
                continue;
            }
            block.add(prog + "[" + spid + "]: " + qid + ": client=client" + m + ".example[" + ip + "]"
                    + (outbound ? ", sasl_method=PLAIN, sasl_username=" + user : ""));
            block.add("postfix/cleanup[" + (spid + 1) + "]: " + qid + ": message-id=<m" + m + "." + seed + "@"
                    + (outbound ? user.substring(user.indexOf('@') + 1) : "remote.test") + ">");
            int nrcpt = rnd.nextInt(10) < 8 ? 1 : 2 + rnd.nextInt(3);
            String from = outbound ? user : "sender" + m + "@remote.test";
            block.add("postfix/qmgr[900]: " + qid + ": from=<" + from + ">, size=" + (500 + rnd.nextInt(90000))
                    + ", nrcpt=" + nrcpt + " (queue active)");
            block.add(prog + "[" + spid + "]: disconnect from client" + m + ".example[" + ip
                    + "] ehlo=2 starttls=1 auth=1 mail=1 rcpt=" + nrcpt + " data=1 quit=1 commands=8");
            boolean deferred = false;
            String deferredTo = null;
            boolean bounced = false;
            for (int r = 0; r < nrcpt; r++) {
                String to = outbound ? "rcpt" + r + "." + m + "@remote" + rnd.nextInt(100) + ".test" : user;
                int fate = rnd.nextInt(100);
                String head = "postfix/" + (outbound ? "smtp" : "virtual") + "[" + (2000 + rnd.nextInt(100)) + "]: "
                        + qid + ": to=<" + to + ">, relay=";
                String relay = outbound ? "mx" + rnd.nextInt(9) + ".remote.test[203.0.113." + rnd.nextInt(256) + "]:25"
                        : "virtual";
                if (outbound && fate < 10) {
                    deferred = true;
                    deferredTo = to;
                    block.add(head + relay + ", delay=0.4, delays=0.1/0/0.2/0.1, dsn=4.7.1, status=deferred (host "
                            + relay.substring(0, relay.length() - 3) + " said: 451 4.7.1 Greylisted, please try again"
                            + " later (in reply to RCPT TO command))");
                } else if (outbound && fate < 15) {
                    bounced = true;
                    block.add(head + relay + ", delay=0.3, delays=0.1/0/0.1/0.1, dsn=5.1.1, status=bounced (host "
                            + relay.substring(0, relay.length() - 3) + " said: 550 5.1.1 <" + to + ">: User unknown"
                            + " (in reply to RCPT TO command))");
                } else {
                    block.add(head + relay + ", delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent ("
                            + (outbound ? "250 2.0.0 Ok: queued as R" + Long.toHexString(rnd.nextLong()).toUpperCase(Locale.ROOT)
                                    : "delivered to maildir") + ")");
                }
            }
            if (bounced && !deferred) {
                String nq = String.format(Locale.ROOT, "%05X%X", rnd.nextInt(0xFFFFF), inode++);
                block.add("postfix/cleanup[" + (spid + 1) + "]: " + nq + ": message-id=<20260301000000." + nq
                        + "@mx.hostd.test>");
                block.add("postfix/qmgr[900]: " + nq + ": from=<>, size=3100, nrcpt=1 (queue active)");
                block.add("postfix/bounce[3000]: " + qid + ": sender non-delivery notification: " + nq);
                block.add("postfix/qmgr[900]: " + qid + ": removed");
                block.add("postfix/virtual[2100]: " + nq + ": to=<" + from + ">, relay=virtual, delay=0.01,"
                        + " delays=0/0/0/0.01, dsn=2.0.0, status=sent (delivered to maildir)");
                block.add("postfix/qmgr[900]: " + nq + ": removed");
            } else if (deferred) {
                long at = t.toEpochSecond(ZoneOffset.UTC) + 300 + rnd.nextInt(600);
                boolean expire = rnd.nextInt(5) == 0;
                later.add(new String[] {Long.toString(at), "postfix/qmgr[900]: " + qid + ": from=<" + from
                        + ">, size=1000, nrcpt=" + nrcpt + " (queue active)"});
                later.add(new String[] {Long.toString(at), expire
                        ? "postfix/qmgr[900]: " + qid + ": from=<" + from + ">, status=expired, returned to sender"
                        : "postfix/smtp[2500]: " + qid + ": to=<" + deferredTo + ">, relay=mx.remote.test[203.0.113.9]:25,"
                                + " delay=700, delays=699/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)"});
                later.add(new String[] {Long.toString(at), "postfix/qmgr[900]: " + qid + ": removed"});
            } else {
                block.add("postfix/qmgr[900]: " + qid + ": removed");
            }
            lines += emit(out, t, block);
            long now = t.toEpochSecond(ZoneOffset.UTC);
            while (!later.isEmpty() && Long.parseLong(later.get(0)[0]) <= now) {
                lines += emit(out, t, List.of(later.remove(0)[1]));
            }
        }
        for (String[] l : later) {
            lines += emit(out, t, List.of(l[1]));
        }
        return lines;
    }

    private static int emit(java.util.function.Consumer<String> out, LocalDateTime t, List<String> block) {
        String stamp = String.format(Locale.ROOT, "%s %2d %02d:%02d:%02d mx ", MONTHS[t.getMonthValue() - 1],
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        for (String l : block) {
            out.accept(stamp + l);
        }
        return block.size();
    }
}
