-- Consults. An encounter exists only with the consent the health worker recorded before it started.
CREATE TABLE encounters (
    id                 TEXT    PRIMARY KEY,
    patient_id         TEXT    NOT NULL REFERENCES patients (id),
    kiosk              TEXT    NOT NULL,
    health_worker      TEXT    NOT NULL,
    doctor             TEXT,
    reason             TEXT    NOT NULL,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    consent_by         TEXT    NOT NULL,
    consent_guardian   TEXT,
    consent_recorder   TEXT    NOT NULL,
    consent_at         INTEGER NOT NULL,
    consent_language   TEXT    NOT NULL,
    revision           INTEGER NOT NULL
) STRICT;
CREATE INDEX encounters_by_patient ON encounters (patient_id, started_at);
