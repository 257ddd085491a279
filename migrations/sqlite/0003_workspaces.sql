-- Workspaces installed through OAuth, each with its bot token encrypted at rest
-- (ChaCha20-Poly1305, bound to the team id). Mirrored in migrations/postgres/0003_workspaces.sql.

CREATE TABLE workspaces (
    team_id         TEXT PRIMARY KEY,
    team_name       TEXT,
    bot_user_id     TEXT,
    app_id          TEXT,
    bot_token_enc   TEXT NOT NULL,
    scope           TEXT,
    installed_by    TEXT,
    installed_at    DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
