-- Installation settings an admin changes (each change is audited); a missing row means the default.
CREATE TABLE settings (
    name   TEXT    PRIMARY KEY,
    value  INTEGER NOT NULL
) STRICT;
