-- Mail domains, mailboxes and aliases. Dovecot's SQL passdb/userdb and Postfix's virtual maps read
-- the mailbox and alias tables directly: keep their column names stable.

CREATE TABLE domain (
    name       TEXT NOT NULL PRIMARY KEY,
    account    TEXT NOT NULL REFERENCES account (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    CONSTRAINT domain_name_lower CHECK (name = lower(name)),
    CONSTRAINT domain_created_at_format CHECK (created_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX domain_account ON domain (account);

CREATE TABLE mailbox (
    email        TEXT NOT NULL PRIMARY KEY,
    domain       TEXT NOT NULL REFERENCES domain (name),
    password     TEXT NOT NULL,
    quota_bytes  BIGINT NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    maildir      TEXT NOT NULL,
    display_name TEXT NULL,
    created_at   TEXT NOT NULL,
    deleted_at   TEXT NULL,
    CONSTRAINT mailbox_email_lower CHECK (email = lower(email)),
    CONSTRAINT mailbox_quota_positive CHECK (quota_bytes >= 0),
    CONSTRAINT mailbox_active_bool CHECK (active IN (0, 1)),
    CONSTRAINT mailbox_password_scheme CHECK (substr(password, 1, 1) = '{'),
    CONSTRAINT mailbox_created_at_format CHECK (created_at LIKE '____-__-__T__:__:__Z'),
    CONSTRAINT mailbox_deleted_at_format CHECK (deleted_at IS NULL OR deleted_at LIKE '____-__-__T__:__:__Z')
);

CREATE INDEX mailbox_domain ON mailbox (domain);

CREATE TABLE alias (
    source      TEXT NOT NULL,
    destination TEXT NOT NULL,
    domain      TEXT NOT NULL REFERENCES domain (name),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (source, destination),
    CONSTRAINT alias_source_lower CHECK (source = lower(source)),
    CONSTRAINT alias_destination_lower CHECK (destination = lower(destination))
);

CREATE INDEX alias_domain ON alias (domain);

CREATE TABLE autoreply (
    email         TEXT NOT NULL PRIMARY KEY REFERENCES mailbox (email) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    start_date    TEXT NULL,
    end_date      TEXT NULL,
    interval_days INTEGER NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL,
    CONSTRAINT autoreply_interval CHECK (interval_days >= 1)
);
