//! What a workspace's managers set for the whole team — its channel, managers, days off, own
//! cadences and default cadence — and the team-wide reads and moves: its prospects (for export
//! and by company), its zones, and a prospect handed to another rep.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::cadence_file::CadenceDef;
use crate::domain::team_cadences::TeamCadences;
use crate::domain::{Prospect, ProspectId};
use crate::store::{CadenceImport, StoreResult};

/// A workspace's team settings and team-wide reads.
#[async_trait]
pub trait Teams: Send + Sync {
    /// The channel a workspace's weekly numbers go to, as its managers set it.
    async fn team_channel(&self, team_id: &str) -> StoreResult<Option<String>>;

    /// Sets (or, with `None`, clears) a workspace's team channel.
    async fn set_team_channel(
        &self,
        team_id: &str,
        channel: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Each workspace's reps by time zone (`None` where a rep has none yet): the workspace's main
    /// zone is its most common one.
    async fn team_zones(&self) -> StoreResult<Vec<(String, Option<String>, i64)>>;

    /// Every prospect of a workspace, or of one rep in it (for export), oldest first.
    async fn team_prospects(
        &self,
        team_id: &str,
        user_id: Option<&str>,
    ) -> StoreResult<Vec<Prospect>>;

    /// Open prospects at a company, any rep's, in the workspace.
    async fn company_prospects(&self, team_id: &str, company: &str) -> StoreResult<Vec<Prospect>>;

    /// The workspace's managers.
    async fn managers(&self, team_id: &str) -> StoreResult<Vec<String>>;

    /// Replaces the workspace's managers.
    async fn set_managers(
        &self,
        team_id: &str,
        users: &[String],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Hands a prospect (with its touches) to another rep of the same workspace; `false` if it
    /// was not `from`'s.
    async fn reassign(
        &self,
        team_id: &str,
        id: ProspectId,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Which rep of the workspace owns a prospect.
    async fn prospect_owner(&self, team_id: &str, id: ProspectId) -> StoreResult<Option<String>>;

    /// The workspace's non-working days, sorted.
    async fn team_holidays(&self, team_id: &str) -> StoreResult<Vec<NaiveDate>>;

    /// Replaces the workspace's non-working days.
    async fn set_team_holidays(&self, team_id: &str, days: &[NaiveDate]) -> StoreResult<()>;

    /// Every workspace's non-working days, by workspace (for a digest pass).
    async fn all_team_holidays(&self) -> StoreResult<Vec<(String, NaiveDate)>>;

    /// The team's own cadences (every version) and its default cadence; kept in memory and
    /// read again after an import.
    async fn team_cadences(&self, team_id: &str) -> StoreResult<Arc<TeamCadences>>;
    /// Adds or replaces the team's cadences with a checked file's, in one transaction: a new
    /// version of each that changed; the ones the file leaves out are retired (their
    /// enrolments run to the end).
    async fn import_cadences(
        &self,
        team_id: &str,
        defs: &[CadenceDef],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CadenceImport>;
    /// Sets the team's default cadence (`None`: back to `proposal`).
    async fn set_default_cadence(
        &self,
        team_id: &str,
        cadence: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// The team's SQL for one backend; expanded inside `sql_store!`.
macro_rules! team_sql {
    ($store:ident, $db:ty, $begin:literal) => {
        /// Sets one text column of the team's settings row, creating the row; `column` is
        /// one of this file's literals, never input.
        async fn set_team_setting(
            writer: &mut Conn,
            column: &'static str,
            team_id: &str,
            value: Option<&str>,
            by: &str,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            let sql = format!(
                "INSERT INTO team_settings (team_id, {column}, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (team_id) DO UPDATE SET {column} = excluded.{column}, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at"
            );
            sqlx::query(&sql)
                .bind(team_id)
                .bind(value)
                .bind(by)
                .bind(now)
                .execute(&mut *writer)
                .await?;
            Ok(())
        }

        #[async_trait]
        impl crate::store::Teams for $store {
            async fn team_channel(&self, team_id: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT team_channel FROM team_settings WHERE team_id = $1")
                    .bind(team_id)
                    .fetch_optional(&mut *self.reader.acquire().await?)
                    .await?
                    .flatten())
            }

            async fn set_team_channel(
                &self,
                team_id: &str,
                channel: Option<&str>,
                by: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                set_team_setting(&mut *self.writer.acquire().await?, "team_channel", team_id, channel, by, now).await
            }

            async fn team_zones(&self) -> StoreResult<Vec<(String, Option<String>, i64)>> {
                let rows = sqlx::query(
                    "SELECT team_id, tz, COUNT(*) AS reps FROM reps GROUP BY team_id, tz ORDER BY team_id, tz",
                )
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?;
                rows.iter()
                    .map(|row| Ok((row.try_get("team_id")?, row.try_get("tz")?, row.try_get("reps")?)))
                    .collect()
            }

            async fn team_prospects(&self, team_id: &str, user_id: Option<&str>) -> StoreResult<Vec<Prospect>> {
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS} FROM prospects p WHERE p.team_id = $1 \
                     AND ($2 IS NULL OR p.user_id = $2) ORDER BY p.id"
                );
                let cadences = self.cadences_of(team_id).await?;
                sqlx::query(&sql)
                    .bind(team_id)
                    .bind(user_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| prospect_from_row(row, &cadences))
                    .collect()
            }

            async fn company_prospects(&self, team_id: &str, company: &str) -> StoreResult<Vec<Prospect>> {
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS} FROM prospects p WHERE p.team_id = $1 \
                     AND LOWER(p.company) = LOWER($2) AND p.status IN {OPEN_STATUSES} ORDER BY p.id LIMIT 20"
                );
                let cadences = self.cadences_of(team_id).await?;
                sqlx::query(&sql)
                    .bind(team_id)
                    .bind(company)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| prospect_from_row(row, &cadences))
                    .collect()
            }

            async fn managers(&self, team_id: &str) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT user_id FROM managers WHERE team_id = $1 ORDER BY user_id")
                    .bind(team_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?)
            }

            async fn set_managers(&self, team_id: &str, users: &[String], by: &str, now: DateTime<Utc>) -> StoreResult<()> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                sqlx::query("DELETE FROM managers WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?;
                for user in users {
                    sqlx::query(
                        "INSERT INTO managers (team_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (team_id, user_id) DO NOTHING",
                    )
                    .bind(team_id)
                    .bind(user)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn reassign(&self, team_id: &str, id: ProspectId, from: &str, to: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let moved = sqlx::query(
                    "UPDATE prospects SET user_id = $1, updated_at = $2, version = version + 1 \
                     WHERE id = $3 AND team_id = $4 AND user_id = $5",
                )
                .bind(to)
                .bind(now)
                .bind(id)
                .bind(team_id)
                .bind(from)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if moved == 0 {
                    return Ok(false);
                }
                for table in ["touches", "enrolments"] {
                    sqlx::query(&format!("UPDATE {table} SET user_id = $1 WHERE prospect_id = $2 AND team_id = $3"))
                        .bind(to)
                        .bind(id)
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_reps(&mut tx, &[(&RepRef::new(team_id, to), now)]).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn prospect_owner(&self, team_id: &str, id: ProspectId) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT user_id FROM prospects WHERE team_id = $1 AND id = $2")
                    .bind(team_id)
                    .bind(id)
                    .fetch_optional(&mut *self.reader.acquire().await?)
                    .await?)
            }

            async fn team_holidays(&self, team_id: &str) -> StoreResult<Vec<NaiveDate>> {
                Ok(sqlx::query_scalar("SELECT day FROM team_holidays WHERE team_id = $1 ORDER BY day")
                    .bind(team_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?)
            }

            async fn set_team_holidays(&self, team_id: &str, days: &[NaiveDate]) -> StoreResult<()> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                sqlx::query("DELETE FROM team_holidays WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?;
                for day in days {
                    sqlx::query(
                        "INSERT INTO team_holidays (team_id, day) VALUES ($1, $2) \
                         ON CONFLICT (team_id, day) DO NOTHING",
                    )
                    .bind(team_id)
                    .bind(*day)
                    .execute(&mut *tx)
                    .await?;
                }
                // A day off added or lifted: every rep's morning is looked at again.
                sqlx::query("UPDATE reps SET digest_after = NULL WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn all_team_holidays(&self) -> StoreResult<Vec<(String, NaiveDate)>> {
                sqlx::query("SELECT team_id, day FROM team_holidays ORDER BY team_id, day")
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| Ok((row.try_get("team_id")?, row.try_get("day")?)))
                    .collect()
            }

            async fn team_cadences(&self, team_id: &str) -> StoreResult<std::sync::Arc<TeamCadences>> {
                self.cadences_of(team_id).await
            }

            async fn import_cadences(
                &self,
                team_id: &str,
                defs: &[crate::domain::cadence_file::CadenceDef],
                by: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<crate::store::CadenceImport> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let done = import_team_cadences(&mut tx, team_id, defs, by, now).await?;
                tx.commit().await?;
                self.cadences.forget(team_id);
                Ok(done)
            }

            async fn set_default_cadence(
                &self,
                team_id: &str,
                cadence: Option<&str>,
                by: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                set_team_setting(&mut *self.writer.acquire().await?, "default_cadence", team_id, cadence, by, now).await?;
                self.cadences.forget(team_id);
                Ok(())
            }
        }
    };
}

pub(crate) use team_sql;
