-- Accounts, enrolment codes, tokens and the consult log of a server on PostgreSQL. Times are Unix seconds
-- (BIGINT) so the same queries run on both backends.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('admin', 'doctor', 'kiosk')),
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    pmdc TEXT,
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    kiosk_name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    kiosk_id TEXT REFERENCES accounts (id)
);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_by_account ON tokens (account_id);
-- The consult log: one row per consult, filled in as it moves on.
CREATE TABLE consults (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    priority TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    doctor_id TEXT,
    accepted_at BIGINT,
    ended_at BIGINT,
    outcome TEXT
);
