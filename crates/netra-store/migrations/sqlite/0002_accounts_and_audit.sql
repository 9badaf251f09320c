-- Agencies, offices, staff accounts, sessions, candidate pairs and the audit trail. Forward-only.

-- An employing agency (instansi): a regional government or a ministry/institution. The id is a short slug
-- chosen by the admin (e.g. pemkab-bandung), because registry imports cite it.
CREATE TABLE agency (
    agency_id   TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pemda_provinsi', 'pemda_kabkota', 'kementerian', 'lembaga')),
    region_code TEXT REFERENCES region (code)
);

-- Work units (OPD, dinas, badan) of an agency.
CREATE TABLE agency_unit (
    unit_id   TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agency (agency_id),
    name      TEXT NOT NULL,
    UNIQUE (agency_id, name)
);

-- An office staff work in: its region and/or agency is the users' jurisdiction.
CREATE TABLE office (
    office_id   TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    region_code TEXT REFERENCES region (code),
    agency_id   TEXT REFERENCES agency (agency_id)
);

CREATE TABLE staff_user (
    user_id              TEXT PRIMARY KEY NOT NULL,
    username             TEXT NOT NULL UNIQUE,      -- lower-case
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL,
    office_id            TEXT NOT NULL REFERENCES office (office_id),
    password_hash        TEXT NOT NULL,             -- Argon2id PHC string
    must_change_password BOOLEAN NOT NULL,
    totp_secret          TEXT,                      -- base32; NULL when not enrolled
    disabled             BOOLEAN NOT NULL,
    created_at           TEXT NOT NULL
);
CREATE INDEX staff_user_office_idx ON staff_user (office_id);

-- Server-side sessions. Only a SHA-256 of the cookie token is stored, so a copy of the database cannot be
-- used to sign in.
CREATE TABLE user_session (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES staff_user (user_id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    second_factor BOOLEAN NOT NULL,                -- TOTP passed (or not required)
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- Failed sign-ins, for throttling per account and per address. Old rows are pruned as new ones arrive.
CREATE TABLE login_failure (
    scope_key TEXT NOT NULL,                       -- 'user:<name>' or 'addr:<ip>'
    failed_unix BIGINT NOT NULL                    -- unix seconds: compared in SQL, so not a text timestamp
);
CREATE INDEX login_failure_idx ON login_failure (scope_key, failed_unix);

-- A candidate pair standing in a region's election, with what campaigns write about them.
CREATE TABLE candidate_pair (
    pair_id       TEXT PRIMARY KEY NOT NULL,
    election_id   TEXT NOT NULL REFERENCES election (election_id),
    region_code   TEXT NOT NULL REFERENCES region (code),
    ballot_number INTEGER NOT NULL CHECK (ballot_number BETWEEN 1 AND 99),
    head_name     TEXT NOT NULL,
    deputy_name   TEXT NOT NULL,
    nicknames     TEXT NOT NULL,                   -- JSON arrays of strings
    parties       TEXT NOT NULL,
    slogans       TEXT NOT NULL,
    hashtags      TEXT NOT NULL,
    UNIQUE (election_id, region_code, ballot_number)
);

-- The hash-chained audit trail (see netra_core::audit). seq is assigned by the writer, not by the database,
-- so that the chain order is explicit.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY NOT NULL,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    office_id     TEXT,
    action        TEXT NOT NULL,
    object_kind   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    region_code   TEXT,
    agency_id     TEXT,
    before_digest TEXT,
    after_digest  TEXT,
    summary       TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_object_idx ON audit_log (object_kind, object_id);
