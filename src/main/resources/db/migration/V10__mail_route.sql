-- Which mail backend holds each domain's mailboxes, for an IMAP/POP3 proxy in front of the backends (the
-- provider kit's dovecot-proxy reads it with the mailbox table: its host and port fields). hostd rewrites the
-- table from mail.backends of hostd.yaml at every start; keep the column names stable.
-- kind: dovecot (the backend checks the customer's password itself) or cyrus (the proxy logs in as the trusted
-- proxy user with the customer as authorisation identity).

CREATE TABLE mail_route (
    domain    TEXT NOT NULL PRIMARY KEY,
    backend   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    host      TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    pop3_port INTEGER NOT NULL,
    CONSTRAINT mail_route_domain_lower CHECK (domain = lower(domain)),
    CONSTRAINT mail_route_kind CHECK (kind IN ('dovecot', 'cyrus'))
);
