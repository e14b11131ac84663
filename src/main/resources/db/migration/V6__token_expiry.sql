-- API tokens may expire: expires_at is when a token stops working, NULL for a token that never expires
-- (every token issued before this version). Same text on SQLite and PostgreSQL; timestamps as in V1.

ALTER TABLE api_token ADD COLUMN expires_at TEXT NULL
    CONSTRAINT api_token_expires_at_format CHECK (expires_at IS NULL OR expires_at LIKE '____-__-__T__:__:__Z');
