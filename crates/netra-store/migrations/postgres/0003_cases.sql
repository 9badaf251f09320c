-- Cases: reports and findings, their reporters, evidence, workflow events, messages with reporters, links between
-- cases and the offices' inboxes. Forward-only.

-- A case. Columns that work lists filter and sort on are kept as columns (with the region split per level so a
-- jurisdiction is an equality); the workflow snapshot (clocks, flags) is a JSON document owned by
-- netra_core::workflow. case_id is a UUID v7, so ordering by it is ordering by creation time.
CREATE TABLE case_file (
    case_id            TEXT PRIMARY KEY NOT NULL,
    case_number        TEXT NOT NULL UNIQUE,
    origin             TEXT NOT NULL CHECK (origin IN ('online', 'in_person', 'finding')),
    state              TEXT NOT NULL,
    holder             TEXT NOT NULL,
    snapshot           TEXT NOT NULL,
    next_due_on        DATE,
    election_id        TEXT REFERENCES election (election_id),
    occurred_on        DATE NOT NULL,
    known_on           DATE NOT NULL,
    received_on        DATE NOT NULL,
    region_code        TEXT NOT NULL REFERENCES region (code),
    province_code      TEXT NOT NULL,
    regency_code       TEXT,
    place              TEXT NOT NULL,
    latitude           DOUBLE PRECISION,
    longitude          DOUBLE PRECISION,
    description        TEXT NOT NULL,
    person_name        TEXT NOT NULL,
    person_position    TEXT NOT NULL,
    person_agency_text TEXT NOT NULL,
    person_nip         TEXT,
    agency_id          TEXT REFERENCES agency (agency_id),
    links              TEXT NOT NULL,              -- JSON array of URLs
    items              TEXT NOT NULL,              -- JSON array of confirmed catalogue item codes
    bawaslu_office_id  TEXT REFERENCES office (office_id),
    bkn_office_id      TEXT REFERENCES office (office_id),
    ppk_agency_id      TEXT REFERENCES agency (agency_id),
    merged_into        TEXT REFERENCES case_file (case_id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX case_province_idx ON case_file (province_code, case_id);
CREATE INDEX case_regency_idx ON case_file (regency_code, case_id);
CREATE INDEX case_state_idx ON case_file (state, case_id);
CREATE INDEX case_due_idx ON case_file (next_due_on, case_id);
CREATE INDEX case_agency_idx ON case_file (agency_id, case_id);
CREATE INDEX case_ppk_idx ON case_file (ppk_agency_id, case_id);
CREATE INDEX case_occurred_idx ON case_file (regency_code, occurred_on);

-- The act labels of a case's confirmed catalogue items, for the act filter.
CREATE TABLE case_act (
    case_id TEXT NOT NULL REFERENCES case_file (case_id),
    act     TEXT NOT NULL,
    PRIMARY KEY (case_id, act)
);
CREATE INDEX case_act_idx ON case_act (act, case_id);

-- Yearly counters for human case numbers.
CREATE TABLE case_counter (
    year  BIGINT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);

-- A report (laporan) or the record of a finding. A case has one or more after duplicates are merged. The
-- receipt is kept only as a slow hash; a confidential reporter's identity only sealed (see netra_store::seal).
CREATE TABLE report (
    report_id        TEXT PRIMARY KEY NOT NULL,
    case_id          TEXT NOT NULL REFERENCES case_file (case_id),
    channel          TEXT NOT NULL CHECK (channel IN ('web', 'api', 'in_person', 'finding')),
    mode             TEXT NOT NULL CHECK (mode IN ('anonymous', 'confidential', 'open')),
    receipt_hash     TEXT UNIQUE,
    reporter_name    TEXT,                         -- open reports only
    reporter_contact TEXT,                         -- open reports only
    sealed_identity  BYTEA,                       -- confidential reports only
    description      TEXT NOT NULL,
    submitted_at     TIMESTAMPTZ NOT NULL,
    CHECK (mode = 'confidential' OR sealed_identity IS NULL),
    CHECK (mode = 'open' OR (reporter_name IS NULL AND reporter_contact IS NULL))
);
CREATE INDEX report_case_idx ON report (case_id);

-- Evidence files, stored content-addressed on disk (netra_store::blobs). metadata is JSON (EXIF, GPS) for staff.
CREATE TABLE evidence (
    evidence_id  TEXT PRIMARY KEY NOT NULL,
    case_id      TEXT NOT NULL REFERENCES case_file (case_id),
    report_id    TEXT REFERENCES report (report_id),
    sha256       TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    metadata     TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,                    -- 'public' or a user id
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_case_idx ON evidence (case_id);
CREATE INDEX evidence_sha_idx ON evidence (sha256);

-- Workflow events: every transition with its data, in order.
CREATE TABLE case_event (
    case_id    TEXT NOT NULL REFERENCES case_file (case_id),
    seq        BIGINT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    on_date    DATE NOT NULL,
    actor      TEXT NOT NULL,
    office_id  TEXT,
    detail     TEXT NOT NULL,                      -- JSON of the action's fields
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Messages between staff and a reporter (questions and replies), per report.
CREATE TABLE case_message (
    message_id    TEXT PRIMARY KEY NOT NULL,
    case_id       TEXT NOT NULL REFERENCES case_file (case_id),
    report_id     TEXT NOT NULL REFERENCES report (report_id),
    from_reporter BOOLEAN NOT NULL,
    body          TEXT NOT NULL,
    author        TEXT,                            -- staff user id; NULL for the reporter
    office_id     TEXT,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_message_case_idx ON case_message (case_id, at);

-- Links between cases: merged duplicates and parallel (criminal) cases.
CREATE TABLE case_link (
    case_id       TEXT NOT NULL REFERENCES case_file (case_id),
    other_case_id TEXT NOT NULL REFERENCES case_file (case_id),
    kind          TEXT NOT NULL CHECK (kind IN ('merged', 'parallel')),
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, other_case_id, kind)
);

-- Each office's inbox. dedupe_key makes reminders idempotent (one per clock and due date).
CREATE TABLE notification (
    notification_id TEXT PRIMARY KEY NOT NULL,
    office_id       TEXT NOT NULL REFERENCES office (office_id),
    case_id         TEXT REFERENCES case_file (case_id),
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    dedupe_key      TEXT UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    read_at         TIMESTAMPTZ
);
CREATE INDEX notification_office_idx ON notification (office_id, created_at);
