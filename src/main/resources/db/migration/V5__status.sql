-- Service status: the current state of each health check, its state changes (the history customers see)
-- and the provider's notices. Same text on SQLite and PostgreSQL; timestamps as in V1.
-- Check ids: mail/<backend>/imap, mail/<backend>/lmtp, mail/<backend>/managesieve, web/<url>, sendlog, store.
-- node: the hostd that probed (status.node); several hostd sharing one store each keep their own observations.

CREATE TABLE status_check (
    node       TEXT NOT NULL,
    id         TEXT NOT NULL,
    state      TEXT NOT NULL,
    since      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (node, id),
    CONSTRAINT status_check_state CHECK (state IN ('ok', 'degraded', 'down')),
    CONSTRAINT status_check_since_format CHECK (since LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT status_check_checked_at_format CHECK (checked_at LIKE '____-__-__T__:__:__Z')
);

CREATE TABLE status_event (
    node     TEXT NOT NULL,
    check_id TEXT NOT NULL,
    at       TEXT NOT NULL,
    state    TEXT NOT NULL,
    detail   TEXT NOT NULL,
    PRIMARY KEY (node, check_id, at),
    CONSTRAINT status_event_state CHECK (state IN ('ok', 'degraded', 'down')),
    CONSTRAINT status_event_at_format CHECK (at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX status_event_at ON status_event (at);

CREATE TABLE notice (
    id          BIGINT NOT NULL PRIMARY KEY,
    service     TEXT NOT NULL,
    backend     TEXT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NULL,
    resolved_at TEXT NULL,
    CONSTRAINT notice_service CHECK (service IN ('mail', 'web', 'sendlog', 'all')),
    CONSTRAINT notice_title_length CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT notice_created_at_format CHECK (created_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT notice_updated_at_format CHECK (updated_at IS NULL OR updated_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT notice_resolved_at_format CHECK (resolved_at IS NULL OR resolved_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX notice_open ON notice (resolved_at);
