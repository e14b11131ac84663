-- hop_of, parent_key and maillog_hop.to_key are NULL on nearly every row. A full index on them lets a planner
-- without statistics (a fresh store, or one that grows faster than it is analysed) reach the rows with
-- "hop_of IS NULL" through that index: every message, once per query, which made the send log's writer
-- quadratic. The lookups that need these indexes compare with "=" or "IN", which imply IS NOT NULL, so partial
-- indexes serve them and offer nothing to a query for the NULL rows. Same text on SQLite and PostgreSQL.
DROP INDEX maillog_message_hop_of;
CREATE INDEX maillog_message_hop_of ON maillog_message (hop_of) WHERE hop_of IS NOT NULL;
DROP INDEX maillog_message_parent;
CREATE INDEX maillog_message_parent ON maillog_message (parent_key) WHERE parent_key IS NOT NULL;
DROP INDEX maillog_hop_to_key;
CREATE INDEX maillog_hop_to_key ON maillog_hop (to_key) WHERE to_key IS NOT NULL;
