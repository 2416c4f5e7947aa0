-- Accounts, enrolment codes, tokens and the consult log of a server on one box.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'doctor', 'kiosk')),
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    pmdc TEXT,
    -- argon2id PHC string for a password; SHA-256 hex of a kiosk's random device secret.
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
) STRICT;

CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    kiosk_name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    kiosk_id TEXT REFERENCES accounts (id)
) STRICT;

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX tokens_by_account ON tokens (account_id);

CREATE TABLE consults (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    priority TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    doctor_id TEXT,
    accepted_at INTEGER,
    ended_at INTEGER,
    outcome TEXT
) STRICT;
