//! What the numbers are counted from: each prospect's history (with its touches and the
//! stages it reached), a rep's activity in a period, and a team's overdue touches.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::metrics::History;
use crate::domain::RepRef;
use crate::store::{Activity, StoreResult};

/// The reads behind the metrics and the weekly summaries.
#[async_trait]
pub trait Metrics: Send + Sync {
    /// What the metrics need of each of the rep's prospects.
    async fn histories(&self, rep: &RepRef) -> StoreResult<Vec<History>>;

    /// What the metrics need of every prospect in the workspace, with its rep.
    async fn team_histories(&self, team_id: &str) -> StoreResult<Vec<(String, History)>>;

    /// Counts of what a rep did between two instants.
    async fn activity(
        &self,
        rep: &RepRef,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Activity>;

    /// Pending touches due before `today`, counted by rep, for a workspace.
    async fn team_overdue(
        &self,
        team_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Vec<(String, i64)>>;
}

/// The metrics' SQL for one backend; expanded inside `sql_store!`.
macro_rules! metric_sql {
    ($store:ident, $db:ty, $row:ty) => {
        fn history_from_row(row: &$row) -> StoreResult<History> {
            let value: Option<i64> = row.try_get("value_cents")?;
            Ok(History {
                created_at: row.try_get("created_at")?,
                enrolled_at: row.try_get("enrolled_at")?,
                status: rows::status(&row.try_get::<String, _>("status")?)?,
                stage: rows::stage(&row.try_get::<String, _>("stage")?)?,
                value: value.and_then(|c| Money::from_cents(c).ok()),
                touches_done: row.try_get("touches_done")?,
                first_touch_at: row.try_get("first_touch_at")?,
                replied_after_touch: row.try_get("replied_after_touch")?,
                replied_at: row.try_get("replied_at")?,
                closed_at: row.try_get("closed_at")?,
                touches_at: Vec::new(),
                stages_reached: Vec::new(),
            })
        }

        const HISTORY_COLUMNS: &str = "p.id, p.user_id, p.created_at, p.enrolled_at, p.status, p.stage, \
            p.value_cents, p.touches_done, p.first_touch_at, p.replied_after_touch, p.replied_at, p.closed_at";

        /// Each prospect's history (with its rep) and when each of its touches was logged:
        /// prospects of `team_id`, and of `user_id` when given.
        async fn load_histories(
            reader: &mut Conn,
            team_id: &str,
            user_id: Option<&str>,
        ) -> StoreResult<Vec<(String, History)>> {
            let rep_filter = if user_id.is_some() { "AND p.user_id = $2" } else { "" };
            fn query<'q>(
                sql: &'q str,
                team_id: &'q str,
                user_id: Option<&'q str>,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                let q = sqlx::query(sql).bind(team_id);
                match user_id {
                    Some(user) => q.bind(user),
                    None => q,
                }
            }
            let sql = format!(
                "SELECT {HISTORY_COLUMNS} FROM prospects p WHERE p.team_id = $1 {rep_filter} \
                 ORDER BY p.user_id, p.id"
            );
            let rows = query(&sql, team_id, user_id).fetch_all(&mut *reader).await?;
            let mut histories = Vec::with_capacity(rows.len());
            let mut index = std::collections::HashMap::with_capacity(rows.len());
            for row in &rows {
                index.insert(row.try_get::<i64, _>("id")?, histories.len());
                histories.push((row.try_get::<String, _>("user_id")?, history_from_row(row)?));
            }
            let sql = format!(
                "SELECT t.prospect_id, t.done_at FROM touches t JOIN prospects p ON p.id = t.prospect_id \
                 WHERE p.team_id = $1 {rep_filter} AND t.status = 'done' AND t.done_at IS NOT NULL"
            );
            let touches = query(&sql, team_id, user_id).fetch_all(&mut *reader).await?;
            for row in &touches {
                if let Some(&i) = index.get(&row.try_get::<i64, _>("prospect_id")?) {
                    histories[i].1.touches_at.push(row.try_get("done_at")?);
                }
            }
            for (_, h) in &mut histories {
                h.touches_at.sort_unstable();
            }
            let sql = format!(
                "SELECT s.prospect_id, s.to_stage FROM stage_changes s JOIN prospects p ON p.id = s.prospect_id \
                 WHERE p.team_id = $1 {rep_filter}"
            );
            for row in &query(&sql, team_id, user_id).fetch_all(&mut *reader).await? {
                if let Some(&i) = index.get(&row.try_get::<i64, _>("prospect_id")?) {
                    histories[i].1.stages_reached.push(rows::stage(&row.try_get::<String, _>("to_stage")?)?);
                }
            }
            Ok(histories)
        }

        #[async_trait]
        impl crate::store::Metrics for $store {
            async fn histories(&self, rep: &RepRef) -> StoreResult<Vec<History>> {
                Ok(load_histories(&mut *self.reader.acquire().await?, &rep.team_id, Some(&rep.user_id))
                    .await?
                    .into_iter()
                    .map(|(_, h)| h)
                    .collect())
            }

            async fn team_histories(&self, team_id: &str) -> StoreResult<Vec<(String, History)>> {
                load_histories(&mut *self.reader.acquire().await?, team_id, None).await
            }

            async fn activity(&self, rep: &RepRef, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Activity> {
                let touches_done: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM touches WHERE team_id = $1 AND user_id = $2 AND status = 'done' \
                     AND done_at >= $3 AND done_at < $4",
                )
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *self.reader.acquire().await?)
                .await?;
                let row = sqlx::query(
                    "SELECT \
                     CAST(COALESCE(SUM(CASE WHEN replied_at >= $3 AND replied_at < $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS replies, \
                     CAST(COALESCE(SUM(CASE WHEN status = 'won' AND closed_at >= $3 AND closed_at < $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS won, \
                     CAST(COALESCE(SUM(CASE WHEN status = 'won' AND closed_at >= $3 AND closed_at < $4 THEN COALESCE(value_cents, 0) ELSE 0 END), 0) AS BIGINT) AS won_value, \
                     CAST(COALESCE(SUM(CASE WHEN created_at >= $3 AND created_at < $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS added \
                     FROM prospects WHERE team_id = $1 AND user_id = $2",
                )
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *self.reader.acquire().await?)
                .await?;
                Ok(Activity {
                    touches_done,
                    replies: row.try_get("replies")?,
                    won: row.try_get("won")?,
                    won_value_cents: row.try_get("won_value")?,
                    added: row.try_get("added")?,
                })
            }

            async fn team_overdue(&self, team_id: &str, today: NaiveDate) -> StoreResult<Vec<(String, i64)>> {
                let rows = sqlx::query(
                    "SELECT user_id, COUNT(*) AS overdue FROM touches WHERE team_id = $1 AND status = 'pending' \
                     AND due_on < $2 GROUP BY user_id ORDER BY COUNT(*) DESC, user_id",
                )
                .bind(team_id)
                .bind(today)
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?;
                rows.iter()
                    .map(|row| Ok((row.try_get::<String, _>("user_id")?, row.try_get::<i64, _>("overdue")?)))
                    .collect()
            }
        }
    };
}

pub(crate) use metric_sql;
