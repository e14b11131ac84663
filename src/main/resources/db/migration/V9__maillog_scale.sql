-- Send log at provider scale: an account's view of messages in time order, and per-hour counts for statistics,
-- both written with the messages on ingestion. Same text on SQLite and PostgreSQL.
--
-- maillog_visible: one row per top-level message (no parent_key) and account that may see it. side 'out': the
-- account sent it (maillog_message.account); side 'in': it owns at least one recipient. any_view = 1 marks the row
-- that stands for the message in the account's view of both sides (the 'out' row, else the 'in' row), so every
-- message is listed once. n_*: the recipients this row lets the account see, by state ('out': all of them;
-- 'in': its own).
CREATE TABLE maillog_visible (
    msg_key     TEXT NOT NULL REFERENCES maillog_message (msg_key) ON DELETE CASCADE,
    account     TEXT NOT NULL,
    side        TEXT NOT NULL,
    any_view    INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    n_pending   INTEGER NOT NULL,
    n_sent      INTEGER NOT NULL,
    n_deferred  INTEGER NOT NULL,
    n_bounced   INTEGER NOT NULL,
    n_expired   INTEGER NOT NULL,
    PRIMARY KEY (msg_key, account, side),
    CONSTRAINT maillog_visible_side CHECK (side IN ('out', 'in')),
    CONSTRAINT maillog_visible_any_view CHECK (any_view IN (0, 1))
);

-- The newest-first page of an account: an index range scan, stopped at the page size.
CREATE INDEX maillog_visible_account ON maillog_visible (account, received_at, msg_key, side, any_view);

-- The sums of maillog_visible's counts per account, hour of arrival ('2026-11-28T10'), side and any_view.
CREATE TABLE maillog_hourly (
    account    TEXT NOT NULL,
    hour       TEXT NOT NULL,
    side       TEXT NOT NULL,
    any_view   INTEGER NOT NULL,
    n_pending  BIGINT NOT NULL,
    n_sent     BIGINT NOT NULL,
    n_deferred BIGINT NOT NULL,
    n_bounced  BIGINT NOT NULL,
    n_expired  BIGINT NOT NULL,
    PRIMARY KEY (account, hour, side, any_view)
);

INSERT INTO maillog_visible (msg_key, account, side, any_view, received_at, n_pending, n_sent, n_deferred, n_bounced,
        n_expired)
SELECT m.msg_key, m.account, 'out', 1, m.received_at,
       (SELECT COUNT(*) FROM maillog_recipient r WHERE r.msg_key = m.msg_key AND r.status = 'pending'),
       (SELECT COUNT(*) FROM maillog_recipient r WHERE r.msg_key = m.msg_key AND r.status = 'sent'),
       (SELECT COUNT(*) FROM maillog_recipient r WHERE r.msg_key = m.msg_key AND r.status = 'deferred'),
       (SELECT COUNT(*) FROM maillog_recipient r WHERE r.msg_key = m.msg_key AND r.status = 'bounced'),
       (SELECT COUNT(*) FROM maillog_recipient r WHERE r.msg_key = m.msg_key AND r.status = 'expired')
FROM maillog_message m WHERE m.parent_key IS NULL AND m.account IS NOT NULL;

INSERT INTO maillog_visible (msg_key, account, side, any_view, received_at, n_pending, n_sent, n_deferred, n_bounced,
        n_expired)
SELECT m.msg_key, r.account, 'in', CASE WHEN m.account IS NOT NULL AND m.account = r.account THEN 0 ELSE 1 END,
       m.received_at,
       SUM(CASE WHEN r.status = 'pending' THEN 1 ELSE 0 END), SUM(CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'deferred' THEN 1 ELSE 0 END), SUM(CASE WHEN r.status = 'bounced' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END)
FROM maillog_message m JOIN maillog_recipient r ON r.msg_key = m.msg_key
WHERE m.parent_key IS NULL AND r.account IS NOT NULL
GROUP BY m.msg_key, r.account, m.account, m.received_at;

INSERT INTO maillog_hourly (account, hour, side, any_view, n_pending, n_sent, n_deferred, n_bounced, n_expired)
SELECT account, substr(received_at, 1, 13), side, any_view, SUM(n_pending), SUM(n_sent), SUM(n_deferred),
       SUM(n_bounced), SUM(n_expired)
FROM maillog_visible GROUP BY account, substr(received_at, 1, 13), side, any_view;

-- Rejects of an account newest first per side; searches by sender.
DROP INDEX maillog_reject_out_account;
DROP INDEX maillog_reject_in_account;
CREATE INDEX maillog_reject_out_account ON maillog_reject (out_account, at, rej_key);
CREATE INDEX maillog_reject_in_account ON maillog_reject (in_account, at, rej_key);
CREATE INDEX maillog_reject_sender ON maillog_reject (sender_norm);

-- Replaced by maillog_visible.
DROP INDEX maillog_message_account_received;
DROP INDEX maillog_recipient_account;
