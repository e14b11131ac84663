-- Several mail hosts, one store: a message one host relayed to another by SMTP (MX host to mailbox host,
-- submission host to outbound host) is one trail. Same text on SQLite and PostgreSQL.
--
-- maillog_hop: a delivery of from_key that the next host accepted as queue_id ("250 2.0.0 Ok: queued as QID"),
-- logged by from_host at sent_at; to_key is that host's record of it once both are stored (NULL until then).
-- Whichever is written first, the other's write links them in its transaction.
CREATE TABLE maillog_hop (
    from_key  TEXT NOT NULL REFERENCES maillog_message (msg_key) ON DELETE CASCADE,
    queue_id  TEXT NOT NULL,
    from_host TEXT NOT NULL,
    relay     TEXT NULL,
    sent_at   TEXT NOT NULL,
    to_key    TEXT NULL,
    PRIMARY KEY (from_key, queue_id),
    CONSTRAINT maillog_hop_sent_at_format CHECK (sent_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX maillog_hop_queue_id ON maillog_hop (queue_id, to_key);
CREATE INDEX maillog_hop_to_key ON maillog_hop (to_key);

-- The record of the host before this one on the trail; a hop is no message of its own (no maillog_visible rows).
ALTER TABLE maillog_message ADD COLUMN hop_of TEXT NULL;
CREATE INDEX maillog_message_hop_of ON maillog_message (hop_of);
