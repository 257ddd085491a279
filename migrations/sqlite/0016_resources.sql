-- The team's value-add library (`/followup resources`), and which resource each value-add touch
-- sent, so the next value-add step suggests another. Mirrored in
-- migrations/postgres/0016_resources.sql.

CREATE TABLE resources (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id    TEXT NOT NULL,
    -- The number reps see and remove it by: per team, never reused.
    number     BIGINT NOT NULL,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    -- Lower-case words, one space between.
    tags       TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   DATETIME NOT NULL,
    removed_at DATETIME
);

CREATE UNIQUE INDEX resources_team_number ON resources (team_id, number);

CREATE TABLE resource_sends (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id     TEXT NOT NULL,
    prospect_id BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    touch_id    BIGINT NOT NULL REFERENCES touches (id) ON DELETE CASCADE,
    sent_at     DATETIME NOT NULL
);

-- One resource per value-add touch; the agenda reads a prospect's sends by prospect.
CREATE UNIQUE INDEX resource_sends_touch ON resource_sends (touch_id);
CREATE INDEX resource_sends_prospect ON resource_sends (prospect_id, resource_id);
