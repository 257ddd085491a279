-- The Monday numbers count a rep's touches done last week: with only the pending index, that
-- read every touch the rep ever had (a table scan per rep). Done touches by rep and time make
-- it a range of last week's, however long the history. Mirrored in migrations/postgres/0005_digest_at_scale.sql.

CREATE INDEX touches_rep_done ON touches (team_id, user_id, done_at) WHERE status = 'done';
