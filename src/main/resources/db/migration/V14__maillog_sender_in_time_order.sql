-- A sender search lists the sender's messages newest first: with received_at and msg_key in the sender's index,
-- it walks that index backwards and stops at the page size, instead of reading every message of the sender and
-- sorting them (45 ms for a sender of 2,700 messages, and growing with the sender). Same text on SQLite and
-- PostgreSQL.
DROP INDEX maillog_message_sender;
CREATE INDEX maillog_message_sender ON maillog_message (sender_norm, received_at, msg_key);
