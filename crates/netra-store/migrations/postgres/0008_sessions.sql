-- Migration 8: socialisation sessions on neutrality and who attended them (by QR check-in or an attendance
-- list), with each attendee's quiz score. Forward-only.

CREATE TABLE socialisation_session (
    session_id    TEXT PRIMARY KEY NOT NULL,
    election_id   TEXT NOT NULL REFERENCES election (election_id),
    title         TEXT NOT NULL,
    held_on       DATE NOT NULL,
    place         TEXT NOT NULL,
    organiser     TEXT NOT NULL REFERENCES office (office_id),
    agency        TEXT NOT NULL,
    speakers      TEXT NOT NULL,
    units         TEXT NOT NULL,
    items         TEXT NOT NULL,
    checkin_token TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX socialisation_session_agency_idx ON socialisation_session (agency, held_on);

CREATE TABLE session_attendance (
    session_id    TEXT NOT NULL REFERENCES socialisation_session (session_id),
    person_id     BIGINT NOT NULL REFERENCES registry_person (person_id),
    method        TEXT NOT NULL CHECK (method IN ('qr', 'list')),
    checked_in_at TIMESTAMPTZ NOT NULL,
    quiz_score    BIGINT,
    quiz_total    BIGINT,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX session_attendance_person_idx ON session_attendance (person_id);
