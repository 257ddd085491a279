-- "Is this person already here?" looks a new prospect up by email, or by name at the same company.
-- The name lookup used (team_id, name_folded) alone, so a common name read every prospect of that
-- name to compare companies (the add benchmark's 100 names made each add read hundreds of rows).
-- The company, folded as the query folds it, is now part of the key. Mirrored in
-- migrations/postgres/0006_duplicate_lookup.sql.

DROP INDEX prospects_team_name;
CREATE INDEX prospects_team_name_company ON prospects (team_id, name_folded, LOWER(company));
