//! A rep's own settings: what the rep chose (zone, digest time, weekends, away, daily cap) and
//! what Slack's profile told of them; and every rep followup knows.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::{RepRef, RepSettings};
use crate::store::StoreResult;

/// Each rep's settings.
#[async_trait]
pub trait Reps: Send + Sync {
    /// The rep's settings, or `None` for a rep never seen.
    async fn rep_settings(&self, rep: &RepRef) -> StoreResult<Option<RepSettings>>;
    async fn save_rep_settings(
        &self,
        settings: &RepSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Writes what Slack's profile told of a rep — the zone (unless the rep chose one meanwhile),
    /// when it was read, and that the rep cannot be messaged — and nothing else of the row, so a
    /// setting changed while a digest pass ran is kept.
    async fn save_rep_zone(&self, settings: &RepSettings, now: DateTime<Utc>) -> StoreResult<()>;

    /// Every rep followup knows, in every workspace.
    async fn all_reps(&self) -> StoreResult<Vec<RepRef>>;
}

/// The reps' SQL for one backend; expanded inside `sql_store!`.
macro_rules! rep_sql {
    ($store:ident, $row:ty) => {
        const REP_COLUMNS: &str = "r.team_id, r.user_id, r.tz, r.tz_source, r.digest_time, \
            r.weekends_off, r.unreachable_since, r.tz_checked_at, r.away_from, r.away_to, r.daily_cap";

        fn settings_from_row(row: &$row) -> StoreResult<RepSettings> {
            Ok(RepSettings {
                rep: RepRef::new(
                    row.try_get::<String, _>("team_id")?,
                    row.try_get::<String, _>("user_id")?,
                ),
                tz: rows::tz(row.try_get("tz")?)?,
                tz_source: rows::tz_source(&row.try_get::<String, _>("tz_source")?),
                digest_time: rows::time_of_day(row.try_get("digest_time")?)?,
                weekends_off: row.try_get("weekends_off")?,
                unreachable_since: row.try_get("unreachable_since")?,
                tz_checked_at: row.try_get("tz_checked_at")?,
                away: match (row.try_get("away_from")?, row.try_get("away_to")?) {
                    (Some(from), Some(to)) => Some((from, to)),
                    _ => None,
                },
                daily_cap: row.try_get("daily_cap")?,
                holidays: Vec::new(),
            })
        }

        #[async_trait]
        impl crate::store::Reps for $store {
            async fn rep_settings(&self, rep: &RepRef) -> StoreResult<Option<RepSettings>> {
                let sql = format!("SELECT {REP_COLUMNS} FROM reps r WHERE r.team_id = $1 AND r.user_id = $2");
                let row = sqlx::query(&sql)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .fetch_optional(&mut *self.reader.acquire().await?)
                    .await?;
                row.as_ref().map(settings_from_row).transpose()
            }

            async fn save_rep_settings(&self, s: &RepSettings, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO reps (team_id, user_id, tz, tz_source, digest_time, weekends_off, \
                     unreachable_since, tz_checked_at, away_from, away_to, daily_cap, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $10, $11, $12, $7, $7) \
                     ON CONFLICT (team_id, user_id) DO UPDATE SET tz = excluded.tz, \
                     tz_source = excluded.tz_source, digest_time = excluded.digest_time, \
                     weekends_off = excluded.weekends_off, unreachable_since = excluded.unreachable_since, \
                     unreachable_reason = CASE WHEN excluded.unreachable_since IS NULL THEN NULL \
                     ELSE reps.unreachable_reason END, \
                     tz_checked_at = excluded.tz_checked_at, away_from = excluded.away_from, \
                     away_to = excluded.away_to, daily_cap = excluded.daily_cap, updated_at = excluded.updated_at, \
                     digest_after = NULL",
                )
                .bind(&s.rep.team_id)
                .bind(&s.rep.user_id)
                .bind(s.tz.map(|tz| tz.name().to_string()))
                .bind(s.tz_source.as_str())
                .bind(s.digest_time.map(|t| t.format("%H:%M").to_string()))
                .bind(s.weekends_off)
                .bind(now)
                .bind(s.unreachable_since)
                .bind(s.tz_checked_at)
                .bind(s.away.map(|(from, _)| from))
                .bind(s.away.map(|(_, to)| to))
                .bind(s.daily_cap)
                .execute(&mut *self.writer.acquire().await?)
                .await?;
                Ok(())
            }

            async fn save_rep_zone(&self, s: &RepSettings, now: DateTime<Utc>) -> StoreResult<()> {
                // A new rep gets a row with the defaults and this zone.
                sqlx::query(
                    "INSERT INTO reps (team_id, user_id, tz, tz_source, tz_checked_at, unreachable_since, \
                     created_at, updated_at) VALUES ($6, $7, $1, $2, $3, $4, $5, $5) \
                     ON CONFLICT (team_id, user_id) DO UPDATE SET \
                     tz = CASE WHEN reps.tz_source = 'rep' THEN reps.tz ELSE excluded.tz END, \
                     tz_source = CASE WHEN reps.tz_source = 'rep' THEN reps.tz_source ELSE excluded.tz_source END, \
                     tz_checked_at = excluded.tz_checked_at, \
                     unreachable_since = COALESCE(excluded.unreachable_since, reps.unreachable_since), \
                     updated_at = excluded.updated_at, digest_after = NULL",
                )
                .bind(s.tz.map(|tz| tz.name().to_string()))
                .bind(s.tz_source.as_str())
                .bind(s.tz_checked_at)
                .bind(s.unreachable_since)
                .bind(now)
                .bind(&s.rep.team_id)
                .bind(&s.rep.user_id)
                .execute(&mut *self.writer.acquire().await?)
                .await?;
                Ok(())
            }

            async fn all_reps(&self) -> StoreResult<Vec<RepRef>> {
                let rows = sqlx::query("SELECT team_id, user_id FROM reps ORDER BY team_id, user_id")
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?;
                rows.iter()
                    .map(|row| Ok(RepRef::new(row.try_get::<String, _>("team_id")?, row.try_get::<String, _>("user_id")?)))
                    .collect()
            }
        }
    };
}

pub(crate) use rep_sql;
