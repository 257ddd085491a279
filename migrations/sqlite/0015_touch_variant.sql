-- Which message variant a touch suggested ('A', 'B', …) when its cadence step has more than one;
-- NULL for a step with one message. The reply-rate statistics group done touches by cadence,
-- step and variant. Mirrored in migrations/postgres/0015_touch_variant.sql.
ALTER TABLE touches ADD COLUMN variant TEXT;
