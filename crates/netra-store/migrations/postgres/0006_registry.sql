-- The ASN registry: one row per person, keyed by an internal id (the NIP and NI PPPK can change).
CREATE TABLE registry_person (
    person_id         BIGINT PRIMARY KEY,
    nip               TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    front_titles      TEXT NOT NULL DEFAULT '',
    back_titles       TEXT NOT NULL DEFAULT '',
    gender            TEXT NOT NULL,
    birth_date        DATE,
    employment_kind   TEXT NOT NULL,
    employment_state  TEXT NOT NULL,
    position_kind     TEXT NOT NULL,
    position          TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT '',
    agency            TEXT NOT NULL,
    region_code       TEXT NOT NULL,
    position_since    DATE NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

-- Earlier positions: a row is written when an import moves a person (kind, position, unit, agency or region).
CREATE TABLE registry_position (
    person_id      BIGINT NOT NULL REFERENCES registry_person (person_id),
    position_kind  TEXT NOT NULL,
    position       TEXT NOT NULL,
    unit           TEXT NOT NULL,
    agency         TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    since          DATE NOT NULL,
    until          DATE NOT NULL
);
CREATE INDEX registry_position_person_idx ON registry_position (person_id);

CREATE TABLE registry_import (
    import_id      TEXT PRIMARY KEY,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    row_count      BIGINT NOT NULL,
    new_count      BIGINT NOT NULL,
    updated_count  BIGINT NOT NULL,
    moved_count    BIGINT NOT NULL,
    problem_count  BIGINT NOT NULL,
    imported_by    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

-- Known social-media accounts and confirmed case matches point at registry persons.
ALTER TABLE asn_account ADD COLUMN person_id BIGINT REFERENCES registry_person (person_id);
ALTER TABLE case_file ADD COLUMN registry_person_id BIGINT REFERENCES registry_person (person_id);
