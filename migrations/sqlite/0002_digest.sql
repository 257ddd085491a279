-- The morning digest: one claim per rep and local date, so two replicas or two overlapping passes
-- never both send. Mirrored in migrations/postgres/0002_digest.sql.

CREATE TABLE digest_runs (
    team_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    local_date  DATE NOT NULL,
    status      TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 1,
    claimed_at  DATETIME NOT NULL,
    lease_until DATETIME NOT NULL,
    sent_at     DATETIME,
    channel_id  TEXT,
    message_ts  TEXT,
    last_error  TEXT,
    PRIMARY KEY (team_id, user_id, local_date)
);

-- A rep who blocked the app or left the workspace is skipped until they use followup again.
ALTER TABLE reps ADD COLUMN unreachable_since DATETIME;
ALTER TABLE reps ADD COLUMN unreachable_reason TEXT;
-- When Slack's profile time zone was last read.
ALTER TABLE reps ADD COLUMN tz_checked_at DATETIME;
