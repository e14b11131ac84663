-- Schema shared by SQLite and PostgreSQL: the same text runs on both.
-- Keys are TEXT, timestamps are ISO-8601 UTC text with second precision
-- ('2026-11-28T19:00:00Z'), booleans are INTEGER 0/1.

CREATE TABLE account (
    name        TEXT NOT NULL PRIMARY KEY,
    webspace    TEXT NOT NULL,
    php_default TEXT NULL,
    created_at  TEXT NOT NULL,
    CONSTRAINT account_name_length CHECK (length(name) BETWEEN 1 AND 32),
    CONSTRAINT account_name_lower CHECK (name = lower(name)),
    CONSTRAINT account_name_start CHECK (substr(name, 1, 1) BETWEEN 'a' AND 'z'),
    CONSTRAINT account_name_plain CHECK (replace(replace(replace(name, '/', ''), ' ', ''), '.', '') = name),
    CONSTRAINT account_webspace_absolute CHECK (substr(webspace, 1, 1) = '/'),
    CONSTRAINT account_created_at_format CHECK (created_at LIKE '____-__-__T__:__:__Z')
);

CREATE TABLE docroot (
    account TEXT NOT NULL REFERENCES account (name) ON DELETE CASCADE,
    path    TEXT NOT NULL,
    url     TEXT NOT NULL,
    PRIMARY KEY (account, path),
    CONSTRAINT docroot_path_relative CHECK (length(path) > 0 AND substr(path, 1, 1) <> '/'),
    CONSTRAINT docroot_url_http CHECK (substr(url, 1, 7) = 'http://' OR substr(url, 1, 8) = 'https://')
);

CREATE TABLE api_token (
    id            TEXT NOT NULL PRIMARY KEY,
    account       TEXT NOT NULL REFERENCES account (name) ON DELETE CASCADE,
    secret_sha256 TEXT NOT NULL UNIQUE,
    read_only     INTEGER NOT NULL,
    description   TEXT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NULL,
    CONSTRAINT api_token_secret_sha256_hex CHECK (length(secret_sha256) = 64 AND secret_sha256 = lower(secret_sha256)),
    CONSTRAINT api_token_read_only_bool CHECK (read_only IN (0, 1)),
    CONSTRAINT api_token_created_at_format CHECK (created_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT api_token_last_used_at_format CHECK (last_used_at IS NULL OR last_used_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX api_token_account ON api_token (account);
