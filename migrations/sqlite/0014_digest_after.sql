-- When the digest pass next needs to look at a rep: once the rep's digest for a local day is sent
-- (or the day needs none), not before the rep's next morning; NULL, at the next pass. A pass a
-- minute after every digest went out then reads no rep at all. Mirrored in
-- migrations/postgres/0014_digest_after.sql.
ALTER TABLE reps ADD COLUMN digest_after DATETIME;

CREATE INDEX reps_digest_after ON reps (digest_after);
