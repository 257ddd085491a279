-- A prospect's phone as typed stays in `phone`; its E.164 form (`+14155550100`), when the
-- country could be told, goes beside it so the digest can build `tel:` links without parsing
-- again. Older rows keep NULL. Mirrored in migrations/sqlite/0007_phone_e164.sql.

ALTER TABLE prospects ADD COLUMN phone_e164 TEXT;
