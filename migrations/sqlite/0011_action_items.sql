-- Promises from a meeting (the recap): the rep's action items and the prospect's.
-- Mirrored in migrations/postgres/0011_action_items.sql.

CREATE TABLE action_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    prospect_id BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    mine        BOOLEAN NOT NULL,
    text        TEXT NOT NULL,
    due_on      DATE,
    done_at     DATETIME,
    created_at  DATETIME NOT NULL
);

-- A rep's open items (the digest, `items`): only open ones are indexed.
CREATE INDEX action_items_rep_open ON action_items (team_id, user_id, due_on) WHERE done_at IS NULL;
