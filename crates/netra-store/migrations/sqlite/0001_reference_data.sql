-- Reference data: regions, elections, and a log of data loads. Forward-only; never edit after release.

-- Key/value facts about this database, e.g. which version of a reference table is loaded.
CREATE TABLE meta (
    meta_key   TEXT PRIMARY KEY NOT NULL,
    meta_value TEXT NOT NULL,
    updated_at TEXT NOT NULL            -- set in Rust (RFC 3339)
);

-- Every load of reference data, so that an operator can see when and from what the tables were filled.
CREATE TABLE data_load (
    data_load_id BLOB PRIMARY KEY NOT NULL,   -- UUID v7 generated in Rust
    kind         TEXT NOT NULL,               -- 'regions', 'elections', ...
    version      TEXT NOT NULL,
    row_count    INTEGER NOT NULL,
    loaded_at    TEXT NOT NULL
);

-- Kemendagri regions down to kecamatan. The code is the natural key: it is what every other record cites.
CREATE TABLE region (
    code        TEXT PRIMARY KEY NOT NULL,      -- dotted, e.g. 32.04.01
    parent_code TEXT REFERENCES region (code),  -- NULL for provinces
    level       TEXT NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
    name        TEXT NOT NULL,
    name_search TEXT NOT NULL                   -- lower-cased name, normalised in Rust, for portable LIKE search
);
CREATE INDEX region_parent_idx ON region (parent_code);

CREATE TABLE election (
    election_id             TEXT PRIMARY KEY NOT NULL,  -- stable id from data/elections, e.g. pilkada-2024
    kind                    TEXT NOT NULL CHECK (kind IN ('pilkada', 'pemilu')),
    name_id                 TEXT NOT NULL,
    name_en                 TEXT NOT NULL,
    legal_basis             TEXT NOT NULL,
    candidate_determination TEXT NOT NULL,               -- date: decides kode etik vs disiplin
    voting_day              TEXT NOT NULL
);

CREATE TABLE election_stage (
    election_id TEXT NOT NULL REFERENCES election (election_id) ON DELETE CASCADE,
    stage_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    name_id     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    start_on    TEXT NOT NULL,
    end_on      TEXT NOT NULL,
    PRIMARY KEY (election_id, stage_id)
);
