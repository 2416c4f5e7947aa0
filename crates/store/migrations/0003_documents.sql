-- What a consult leaves in the patient's record besides vitals: the doctor's notes and prescriptions, pushed
-- from the doctor's desk during the call, and the still photos taken at the kiosk. Doctors are not users of
-- the kiosk: they are named as the server vouched for them.
CREATE TABLE notes (
    id            TEXT    PRIMARY KEY,
    encounter_id  TEXT    NOT NULL REFERENCES encounters (id),
    patient_id    TEXT    NOT NULL REFERENCES patients (id),
    author_name   TEXT    NOT NULL,
    author_pmdc   TEXT,
    written_at    INTEGER NOT NULL,
    subjective    TEXT,
    objective     TEXT,
    assessment    TEXT,
    plan          TEXT,
    revision      INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_by_encounter ON notes (encounter_id, written_at);

CREATE TABLE prescriptions (
    id               TEXT    PRIMARY KEY,
    encounter_id     TEXT    NOT NULL REFERENCES encounters (id),
    patient_id       TEXT    NOT NULL REFERENCES patients (id),
    prescriber_name  TEXT    NOT NULL,
    prescriber_pmdc  TEXT    NOT NULL,
    issued_at        INTEGER NOT NULL,
    -- The items as a JSON array, in the order prescribed.
    items            TEXT    NOT NULL,
    revision         INTEGER NOT NULL
) STRICT;
CREATE INDEX prescriptions_by_encounter ON prescriptions (encounter_id, issued_at);

CREATE TABLE photos (
    id            TEXT    PRIMARY KEY,
    encounter_id  TEXT    NOT NULL REFERENCES encounters (id),
    patient_id    TEXT    NOT NULL REFERENCES patients (id),
    taken_by      TEXT    NOT NULL,
    taken_at      INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    -- Revisions hold the digest, not the picture: the bytes are kept once, here.
    jpeg_sha256   TEXT    NOT NULL,
    jpeg          BLOB    NOT NULL,
    revision      INTEGER NOT NULL
) STRICT;
CREATE INDEX photos_by_encounter ON photos (encounter_id, taken_at);
