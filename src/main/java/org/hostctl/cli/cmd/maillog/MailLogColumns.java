package org.hostctl.cli.cmd.maillog;

import java.util.List;
import org.hostctl.api.MailLogBucket;
import org.hostctl.api.MailMessage;
import org.hostctl.api.MailRecipient;
import org.hostctl.cli.output.Column;

/** Table and CSV columns of the mail log commands, declared once. */
final class MailLogColumns {
    private static final int MAX_RECIPIENTS_SHOWN = 3;
    private static final int MAX_DETAIL = 80;

    private MailLogColumns() {}

    static List<Column<MailMessage>> entries() {
        return List.of(
                Column.of("TIME", m -> m.receivedAt() == null ? "" : m.receivedAt().toString()),
                Column.of("DIR", MailMessage::direction),
                Column.of("STATUS", MailMessage::status),
                Column.of("FROM", m -> m.from() == null || m.from().isEmpty() ? "<>" : m.from()),
                Column.of("TO", MailLogColumns::recipients),
                Column.of("QUEUE ID", m -> m.queueIds() == null || m.queueIds().isEmpty() ? "" : m.queueIds().get(0)),
                Column.of("HOST", MailMessage::host),
                Column.of("DETAIL", MailLogColumns::detail),
                Column.of("ID", MailMessage::id));
    }

    static List<Column<MailRecipient>> recipientColumns() {
        return List.of(
                Column.of("TO", MailRecipient::address),
                Column.of("ORIG TO", MailRecipient::origTo),
                Column.of("STATUS", MailRecipient::status),
                Column.of("DSN", MailRecipient::dsn),
                Column.of("RELAY", MailRecipient::relay),
                Column.of("LAST ATTEMPT", r -> r.lastAttemptAt() == null ? "" : r.lastAttemptAt().toString()),
                Column.of("RESPONSE", MailRecipient::response));
    }

    static List<Column<MailLogBucket>> buckets(boolean hourly, boolean chart, long max) {
        List<Column<MailLogBucket>> columns = new java.util.ArrayList<>(List.of(
                Column.of("START", b -> hourly ? b.start().toString().substring(0, 16).replace('T', ' ') + "Z"
                        : b.start().toString().substring(0, 10)),
                Column.of("SENT", b -> Long.toString(b.sent())),
                Column.of("DEFERRED", b -> Long.toString(b.deferred())),
                Column.of("BOUNCED", b -> Long.toString(b.bounced())),
                Column.of("REJECTED", b -> Long.toString(b.rejected())),
                Column.of("EXPIRED", b -> Long.toString(b.expired()))));
        if (chart) {
            columns.add(Column.of("", b -> bar(b, max)));
        }
        return columns;
    }

    static long total(MailLogBucket b) {
        return b.sent() + b.deferred() + b.bounced() + b.rejected() + b.expired();
    }

    /** {@code #} for delivered, {@code ~} for waiting, {@code !} for failed, at most 40 wide. */
    static String bar(MailLogBucket b, long max) {
        if (max == 0) {
            return "";
        }
        double scale = Math.min(1.0, 40.0 / max);
        long failed = b.bounced() + b.rejected() + b.expired();
        return "#".repeat(width(b.sent(), scale)) + "~".repeat(width(b.deferred(), scale))
                + "!".repeat(width(failed, scale));
    }

    private static int width(long n, double scale) {
        return n == 0 ? 0 : Math.max(1, (int) Math.round(n * scale));
    }

    private static String recipients(MailMessage m) {
        if (m.recipients() == null || m.recipients().isEmpty()) {
            return "";
        }
        List<String> a = m.recipients().stream().map(MailRecipient::address).toList();
        if (a.size() <= MAX_RECIPIENTS_SHOWN) {
            return String.join(", ", a);
        }
        return String.join(", ", a.subList(0, MAX_RECIPIENTS_SHOWN)) + " +" + (a.size() - MAX_RECIPIENTS_SHOWN);
    }

    /** Why it is not (yet) delivered: the answer of the first recipient that is not sent. */
    private static String detail(MailMessage m) {
        if (m.recipients() == null) {
            return "";
        }
        for (MailRecipient r : m.recipients()) {
            if (!"sent".equals(r.status()) && r.response() != null) {
                String s = (r.dsn() == null ? "" : r.dsn() + " ") + r.response();
                return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL - 3) + "...";
            }
        }
        return "";
    }
}
