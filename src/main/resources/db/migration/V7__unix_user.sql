-- Unix users of the hosting server mapped to accounts: a request on hostd's local socket acts for the account of
-- the connecting process's Unix user (the kernel's peer credentials). One Unix user per account at most.
-- read_only: socket access of that account may only read.

CREATE TABLE unix_user (
    name      TEXT NOT NULL PRIMARY KEY,
    account   TEXT NOT NULL UNIQUE REFERENCES account (name) ON DELETE CASCADE,
    read_only INTEGER NOT NULL,
    CONSTRAINT unix_user_name_length CHECK (length(name) BETWEEN 1 AND 32),
    CONSTRAINT unix_user_not_root CHECK (name <> 'root'),
    CONSTRAINT unix_user_read_only_bool CHECK (read_only IN (0, 1))
);
