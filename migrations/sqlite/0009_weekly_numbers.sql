-- A Monday with nothing due still sends last week's numbers to a rep who did something last
-- week. Finding those reps probes, per rep, when prospects were added, answered and closed (the
-- done touches already have touches_rep_done), so the digest pass reads an index range per rep
-- instead of the rep's whole pipeline. Mirrored in migrations/postgres/0009_weekly_numbers.sql.

CREATE INDEX prospects_rep_created ON prospects (team_id, user_id, created_at);
CREATE INDEX prospects_rep_replied ON prospects (team_id, user_id, replied_at) WHERE replied_at IS NOT NULL;
CREATE INDEX prospects_rep_closed ON prospects (team_id, user_id, closed_at) WHERE closed_at IS NOT NULL;
