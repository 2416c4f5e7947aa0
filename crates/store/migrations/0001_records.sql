-- One row: who this installation is.
CREATE TABLE store_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device_id   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id              TEXT    PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    pmdc            TEXT,
    active          INTEGER NOT NULL,
    secret_hash     TEXT    NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    revision        INTEGER NOT NULL
) STRICT;

CREATE TABLE patients (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    sex         TEXT    NOT NULL,
    birth_date  TEXT,
    stated_age  INTEGER,
    stated_on   TEXT,
    phone       TEXT,
    village     TEXT,
    address     TEXT,
    cnic        TEXT,
    revision    INTEGER NOT NULL
) STRICT;
CREATE INDEX patients_by_cnic ON patients (cnic);
CREATE INDEX patients_by_phone ON patients (phone);

CREATE TABLE observations (
    id            TEXT    PRIMARY KEY,
    patient_id    TEXT    NOT NULL REFERENCES patients (id),
    encounter_id  TEXT,
    loinc         TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    effective_at  INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    flags         INTEGER NOT NULL,
    source_user   TEXT,
    source_model  TEXT,
    source_serial TEXT,
    revision      INTEGER NOT NULL
) STRICT;
CREATE INDEX observations_by_patient ON observations (patient_id, effective_at);

-- Append-only history: every change to a record, with its full new content. Record sync is built on this
-- log; nothing ever updates or deletes a row here.
CREATE TABLE revisions (
    record_id    TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    record_type  TEXT    NOT NULL,
    hlc_wall     INTEGER NOT NULL,
    hlc_counter  INTEGER NOT NULL,
    device_id    TEXT    NOT NULL,
    user_id      TEXT,
    content      TEXT    NOT NULL,
    PRIMARY KEY (record_id, revision)
) STRICT;
CREATE INDEX revisions_by_hlc ON revisions (hlc_wall, hlc_counter);

CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;

-- Hash-chained: each entry's hash covers its fields and the previous entry's hash.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at_ms      INTEGER NOT NULL,
    user_id    TEXT,
    action     TEXT    NOT NULL,
    record_id  TEXT,
    prev_hash  BLOB    NOT NULL,
    hash       BLOB    NOT NULL
) STRICT;

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
