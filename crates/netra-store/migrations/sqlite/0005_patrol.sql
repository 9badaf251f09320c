-- Migration 5: cyber patrol. Civil servants' known social-media accounts, batches of screened posts, and the
-- posts the screening engine flagged (only those: a batch of a million posts keeps its counts, not its posts).
-- Forward-only.

-- A known account of a civil servant. handle is the lower-case key of netra_core::patrol::AccountKey.
CREATE TABLE asn_account (
    account_id  TEXT PRIMARY KEY NOT NULL,
    platform    TEXT NOT NULL,
    handle      TEXT NOT NULL,
    person_name TEXT NOT NULL,
    nip         TEXT,
    position    TEXT NOT NULL,
    agency_id   TEXT REFERENCES agency (agency_id),
    region_code TEXT NOT NULL REFERENCES region (code),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (platform, handle)
);
CREATE INDEX asn_account_handle_idx ON asn_account (handle);
CREATE INDEX asn_account_region_idx ON asn_account (region_code, person_name);

-- A batch of posts screened by an office. region_code is the office's (NULL for national offices), so a
-- jurisdiction sees the batches of its offices. problems is a JSON array of the first bad lines.
CREATE TABLE patrol_batch (
    batch_id      TEXT PRIMARY KEY NOT NULL,
    office_id     TEXT NOT NULL REFERENCES office (office_id),
    uploaded_by   TEXT NOT NULL,
    region_code   TEXT,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    election_id   TEXT REFERENCES election (election_id),
    line_count    INTEGER NOT NULL,
    post_count    INTEGER NOT NULL,
    flagged_count INTEGER NOT NULL,
    queued_count  INTEGER NOT NULL,
    problem_count INTEGER NOT NULL,
    problems      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX patrol_batch_region_idx ON patrol_batch (region_code, created_at);

-- A flagged post. review: 'none' (unknown account: shown on its batch only), 'pending' (a known civil servant's
-- account: in the review queue of the account's region), 'dismissed', 'opened' (a finding was opened: case_id).
-- verdict is the screening engine's JSON (acts, candidates, explanation).
CREATE TABLE patrol_post (
    post_id     TEXT PRIMARY KEY NOT NULL,
    batch_id    TEXT NOT NULL REFERENCES patrol_batch (batch_id),
    line_no     INTEGER NOT NULL,
    external_id TEXT,
    platform    TEXT,
    account     TEXT NOT NULL,
    account_id  TEXT REFERENCES asn_account (account_id),
    url         TEXT,
    posted_at   TEXT NOT NULL,
    body        TEXT NOT NULL,
    score       REAL NOT NULL,
    verdict     TEXT NOT NULL,
    region_code TEXT REFERENCES region (code),
    review      TEXT NOT NULL CHECK (review IN ('none', 'pending', 'dismissed', 'opened')),
    review_note TEXT,
    reviewed_by TEXT,
    reviewed_at TEXT,
    case_id     TEXT REFERENCES case_file (case_id)
);
CREATE INDEX patrol_post_batch_idx ON patrol_post (batch_id, line_no);
CREATE INDEX patrol_post_queue_idx ON patrol_post (review, region_code, posted_at);
