-- A team's own cadences, one row a version: an import adds a version of each cadence it changes
-- and retires the ones it leaves out (their enrolments run to the end on the version they have).
-- Prospects and touches name the version they follow beside the cadence's id (0: a built-in).
-- The team's default cadence, for `add` without `cadence:` or `lead:`.
-- Mirrored in migrations/sqlite/0017_team_cadences.sql.
CREATE TABLE team_cadences (
    team_id     TEXT NOT NULL,
    cadence_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    position    BIGINT NOT NULL,
    definition  TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ,
    PRIMARY KEY (team_id, cadence_id, version)
);

ALTER TABLE prospects ADD COLUMN cadence_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE touches ADD COLUMN cadence_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE team_settings ADD COLUMN default_cadence TEXT;
