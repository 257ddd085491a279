-- Install links already used: the nonce (a hash of the browser's cookie) carried by each OAuth
-- `state` that reached the callback, so a link works once across every replica. Rows are pruned
-- a day after use (a state expires after 10 minutes). Mirrored in migrations/postgres/0013_oauth_states.sql.

CREATE TABLE oauth_states (
    nonce   TEXT PRIMARY KEY,
    used_at DATETIME NOT NULL
);

-- Pruning reads only the old rows.
CREATE INDEX oauth_states_used_at ON oauth_states (used_at);
