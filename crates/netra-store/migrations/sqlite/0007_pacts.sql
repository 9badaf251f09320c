-- Migration 7: neutrality pacts and declarations. Versioned texts per election, the instance's signing keys
-- (public halves; the secret halves are files in the data directory), signed pacts with their verification
-- codes, and the one-time codes agency admins issue for signing in person. Forward-only.

-- A text of an election's pact or declaration. A change makes a new version; signed pacts keep theirs.
CREATE TABLE pact_text (
    text_id     TEXT PRIMARY KEY NOT NULL,
    election_id TEXT NOT NULL REFERENCES election (election_id),
    kind        TEXT NOT NULL CHECK (kind IN ('pakta', 'deklarasi')),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    opening     TEXT NOT NULL,
    points      TEXT NOT NULL,
    closing     TEXT NOT NULL,
    digest      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (election_id, kind, version)
);

-- Public keys the instance has signed with; retired keys stay so that old pacts keep verifying.
CREATE TABLE signing_key (
    key_id     TEXT PRIMARY KEY NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
);

-- A signed pact: the canonical document as signed, the key and signature, and its verification code.
CREATE TABLE pact_signature (
    signature_id TEXT PRIMARY KEY NOT NULL,
    code         TEXT NOT NULL UNIQUE,
    text_id      TEXT NOT NULL REFERENCES pact_text (text_id),
    person_id    INTEGER NOT NULL REFERENCES registry_person (person_id),
    nip          TEXT NOT NULL,
    agency       TEXT NOT NULL,
    unit         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    method       TEXT NOT NULL,
    document     TEXT NOT NULL,
    key_id       TEXT NOT NULL REFERENCES signing_key (key_id),
    signature    TEXT NOT NULL,
    signed_by    TEXT,
    signed_at    TEXT NOT NULL,
    UNIQUE (text_id, person_id)
);
CREATE INDEX pact_signature_person_idx ON pact_signature (person_id);
CREATE INDEX pact_signature_agency_idx ON pact_signature (agency, unit);

-- A one-time signing code (stored as a hash) issued by an agency admin for one person and one text.
CREATE TABLE pact_code (
    code_hash  TEXT PRIMARY KEY NOT NULL,
    text_id    TEXT NOT NULL REFERENCES pact_text (text_id),
    person_id  INTEGER NOT NULL REFERENCES registry_person (person_id),
    issued_by  TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX pact_code_person_idx ON pact_code (person_id);
