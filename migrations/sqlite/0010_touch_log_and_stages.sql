-- What happened at each touch, the prospect's preferred channel and last note, and the stages a
-- deal went through. Mirrored in migrations/postgres/0010_touch_log_and_stages.sql.

-- connected, voicemail, no-answer or sent, as the rep logged it.
ALTER TABLE touches ADD COLUMN outcome TEXT;
-- call, email, linkedin or text.
ALTER TABLE prospects ADD COLUMN prefers TEXT;
-- The note of the last touch logged, shown under the prospect in the digest.
ALTER TABLE prospects ADD COLUMN last_note TEXT;

-- Every stage change with its date, so the funnel counts how far a deal got even after it is lost.
CREATE TABLE stage_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    prospect_id BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    from_stage  TEXT,
    to_stage    TEXT NOT NULL,
    changed_at  DATETIME NOT NULL
);

CREATE INDEX stage_changes_prospect ON stage_changes (prospect_id);
