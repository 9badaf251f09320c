-- Migration 4: mail outbox, and deadline-ordered work-list indexes.
-- E-mail for office notifications: an office may give an address, and each notification remembers when it was
-- handed to the SMTP server (the table is the outbox: a notification is written with its case change and mailed
-- afterwards, so a mail server that is down delays mail but never loses or blocks a change). Forward-only.
ALTER TABLE office ADD COLUMN email TEXT;
ALTER TABLE notification ADD COLUMN emailed_at TIMESTAMPTZ;
CREATE INDEX notification_unmailed_idx ON notification (emailed_at, created_at);

-- Work lists sorted by deadline within a jurisdiction (the "due soon" and "overdue" tabs of a province or
-- regency office) read these in order instead of sorting the jurisdiction's cases.
CREATE INDEX case_province_due_idx ON case_file (province_code, next_due_on, case_id);
CREATE INDEX case_regency_due_idx ON case_file (regency_code, next_due_on, case_id);
