-- Migration 9: signed letters of the case workflow (forwarding, recommendation, summons, berita acara, decision
-- draft). The PDF is kept whole, as issued: its own seal signs its bytes. Forward-only.

CREATE TABLE letter (
    letter_id    TEXT PRIMARY KEY NOT NULL,
    code         TEXT NOT NULL UNIQUE,
    case_id      TEXT NOT NULL REFERENCES case_file (case_id),
    kind         TEXT NOT NULL,
    number       TEXT NOT NULL,
    document     TEXT NOT NULL,              -- canonical JSON (netra_core::letter::LetterDocument)
    key_id       TEXT NOT NULL REFERENCES signing_key (key_id),
    signature    TEXT NOT NULL,              -- Ed25519 over the document, base64
    pdf          BYTEA NOT NULL,
    pdf_sha256   TEXT NOT NULL,
    issued_by    TEXT NOT NULL,
    office_id    TEXT REFERENCES office (office_id),
    issued_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX letter_case_idx ON letter (case_id, issued_at);
