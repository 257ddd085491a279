-- Workspaces whose bot token died or that uninstalled followup, and each workspace's own
-- settings. Mirrored in migrations/postgres/0012_workspace_lifecycle.sql.

-- A workspace here gets no digest and no Web API call until it installs again (which deletes its
-- row). After an uninstall `purge_after` is set: its prospects, notes and reps are deleted then.
CREATE TABLE workspace_revocations (
    team_id      TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    revoked_at   DATETIME NOT NULL,
    purge_after  DATETIME,
    purged_at    DATETIME
);

-- The hourly purge looks for uninstalls whose 30 days have run out.
CREATE INDEX workspace_revocations_purge ON workspace_revocations (purge_after) WHERE purge_after IS NOT NULL;

-- What a workspace's managers set for everyone: the channel the weekly team numbers go to.
CREATE TABLE team_settings (
    team_id      TEXT PRIMARY KEY,
    team_channel TEXT,
    updated_by   TEXT NOT NULL,
    updated_at   DATETIME NOT NULL
);

-- A prospect's action items, found when the prospect goes (a purge, or the foreign key's cascade).
CREATE INDEX action_items_prospect ON action_items (prospect_id);
