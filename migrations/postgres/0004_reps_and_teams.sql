-- Away mode and the daily cap, managers, when a prospect replied, and finding duplicates.
-- Mirrored in migrations/sqlite/0004_reps_and_teams.sql.

ALTER TABLE reps ADD COLUMN away_from DATE;
ALTER TABLE reps ADD COLUMN away_to DATE;
ALTER TABLE reps ADD COLUMN daily_cap BIGINT NOT NULL DEFAULT 20;

CREATE TABLE managers (
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

ALTER TABLE prospects ADD COLUMN replied_at TIMESTAMPTZ;

-- Duplicates are looked up across the workspace by email, and by name and company.
CREATE INDEX prospects_team_email ON prospects (team_id, email);
CREATE INDEX prospects_team_name ON prospects (team_id, name_folded);
