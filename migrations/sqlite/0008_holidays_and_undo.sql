-- A team's non-working days, and the undo log of clicks and commands.
-- Mirrored in migrations/postgres/0008_holidays_and_undo.sql.

-- Days no touch is dated on, for everyone in the workspace (managers set them).
CREATE TABLE team_holidays (
    team_id TEXT NOT NULL,
    day     DATE NOT NULL,
    PRIMARY KEY (team_id, day)
);

-- What a prospect looked like before an action, so the rep can take the action back for a few
-- minutes. `version_after` guards the undo: it applies only while nothing else changed since.
CREATE TABLE undo_log (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id              TEXT NOT NULL,
    user_id              TEXT NOT NULL,
    prospect_id          BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    version_after        BIGINT NOT NULL,
    max_touch_id         BIGINT NOT NULL,
    enrolment_ended_at   DATETIME,
    enrolment_end_reason TEXT,
    snapshot             TEXT NOT NULL,
    created_at           DATETIME NOT NULL,
    expires_at           DATETIME NOT NULL,
    used_at              DATETIME
);

CREATE INDEX undo_log_prospect ON undo_log (prospect_id);
