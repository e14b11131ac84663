-- Send logs: messages, recipients and attempts correlated from Postfix logs, SMTP-time rejects,
-- ingestion checkpoints and lines no rule understood. Same text on SQLite and PostgreSQL: TEXT keys,
-- ISO-8601 UTC timestamps as TEXT ('2026-11-28T19:00:00Z'), BIGINT sizes.
-- Attribution: account columns name the hosting account a row belongs to (NULL: none of ours). They are
-- set when the row is written, from the domain and mailbox tables at that time.

CREATE TABLE maillog_message (
    msg_key           TEXT NOT NULL PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    host              TEXT NOT NULL,
    queue_ids         TEXT NOT NULL,
    message_id        TEXT NULL,
    sender            TEXT NULL,
    sender_norm       TEXT NULL,
    sender_domain     TEXT NULL,
    sasl_user         TEXT NULL,
    uid               TEXT NULL,
    client            TEXT NULL,
    size_bytes        BIGINT NULL,
    nrcpt             INTEGER NULL,
    received_at       TEXT NOT NULL,
    removed_at        TEXT NULL,
    parent_key        TEXT NULL,
    notification_kind TEXT NULL,
    account           TEXT NULL,
    updated_at        TEXT NOT NULL,
    CONSTRAINT maillog_message_received_at_format CHECK (received_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT maillog_message_removed_at_format CHECK (removed_at IS NULL OR removed_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT maillog_message_notification_kind
        CHECK (notification_kind IS NULL OR notification_kind IN ('bounce', 'delay', 'success', 'expired'))
);

CREATE INDEX maillog_message_account_received ON maillog_message (account, received_at);
CREATE INDEX maillog_message_received ON maillog_message (received_at);
CREATE INDEX maillog_message_parent ON maillog_message (parent_key);
CREATE INDEX maillog_message_message_id ON maillog_message (message_id);
CREATE INDEX maillog_message_sender ON maillog_message (sender_norm);

-- Every queue ID of a message (requeue and local hops extend the chain), for lookups by queue ID.
CREATE TABLE maillog_queue_id (
    msg_key  TEXT NOT NULL REFERENCES maillog_message (msg_key) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    queue_id TEXT NOT NULL,
    PRIMARY KEY (msg_key, position)
);

CREATE INDEX maillog_queue_id_queue_id ON maillog_queue_id (queue_id);

CREATE TABLE maillog_recipient (
    msg_key         TEXT NOT NULL REFERENCES maillog_message (msg_key) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    address         TEXT NOT NULL,
    address_norm    TEXT NOT NULL,
    domain          TEXT NULL,
    orig_to         TEXT NULL,
    orig_to_norm    TEXT NULL,
    status          TEXT NOT NULL,
    dsn             TEXT NULL,
    relay           TEXT NULL,
    response        TEXT NULL,
    last_attempt_at TEXT NULL,
    account         TEXT NULL,
    PRIMARY KEY (msg_key, position),
    CONSTRAINT maillog_recipient_status CHECK (status IN ('pending', 'sent', 'deferred', 'bounced', 'expired')),
    CONSTRAINT maillog_recipient_last_attempt_at_format
        CHECK (last_attempt_at IS NULL OR last_attempt_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX maillog_recipient_account ON maillog_recipient (account, msg_key);
CREATE INDEX maillog_recipient_address ON maillog_recipient (address_norm);

CREATE TABLE maillog_attempt (
    msg_key   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    status    TEXT NOT NULL,
    dsn       TEXT NULL,
    relay     TEXT NULL,
    delay     TEXT NULL,
    response  TEXT NULL,
    PRIMARY KEY (msg_key, position, seq),
    FOREIGN KEY (msg_key, position) REFERENCES maillog_recipient (msg_key, position) ON DELETE CASCADE,
    CONSTRAINT maillog_attempt_at_format CHECK (at LIKE '____-__-__T__:__:__Z')
);

-- Refused at SMTP time, never queued. out_account: the authenticated submitter's account;
-- in_account: the account owning the refused recipient's domain.
CREATE TABLE maillog_reject (
    rej_key          TEXT NOT NULL PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    host             TEXT NOT NULL,
    at               TEXT NOT NULL,
    client           TEXT NULL,
    sender           TEXT NULL,
    sender_norm      TEXT NULL,
    sender_domain    TEXT NULL,
    recipient        TEXT NULL,
    recipient_norm   TEXT NULL,
    recipient_domain TEXT NULL,
    sasl_user        TEXT NULL,
    code             TEXT NULL,
    response         TEXT NULL,
    out_account      TEXT NULL,
    in_account       TEXT NULL,
    CONSTRAINT maillog_reject_at_format CHECK (at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX maillog_reject_out_account ON maillog_reject (out_account, at);
CREATE INDEX maillog_reject_in_account ON maillog_reject (in_account, at);
CREATE INDEX maillog_reject_at ON maillog_reject (at);

-- Where reading stopped, per log file and file identity (device:inode). A rotated file keeps its row
-- until it has been read to the end.
CREATE TABLE maillog_checkpoint (
    source        TEXT NOT NULL,
    file_identity TEXT NOT NULL,
    byte_offset   BIGINT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (source, file_identity),
    CONSTRAINT maillog_checkpoint_offset CHECK (byte_offset >= 0)
);

-- Lines no rule understood, for the provider's diagnostics. capped = 1: the text was cut.
CREATE TABLE maillog_unparsed (
    source        TEXT NOT NULL,
    file_identity TEXT NOT NULL,
    byte_offset   BIGINT NOT NULL,
    text          TEXT NOT NULL,
    seen_at       TEXT NOT NULL,
    capped        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, file_identity, byte_offset),
    CONSTRAINT maillog_unparsed_capped_bool CHECK (capped IN (0, 1))
);

CREATE INDEX maillog_unparsed_seen ON maillog_unparsed (seen_at);
