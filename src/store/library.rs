//! Storage of the team's value-add library (which resource went to which prospect) and of the
//! done touches the reply rates are counted from.
//!
//! The SQL is written once for both backends, as in `sql.rs` and `sql/`: [`library_items!`] is
//! expanded inside `sql_store!`, so the helpers that run in an action's transaction (recording a
//! resource sent when a value-add touch is done, forgetting it on undo) share its connection
//! type.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::reply_rates::DoneTouch;
use crate::domain::resources::{NewResource, Resource};
use crate::domain::{ProspectId, TouchId};

use super::StoreResult;

/// The team's value-add library, and the touches reply rates are counted from.
#[async_trait]
pub trait Library: Send + Sync {
    /// Adds a resource to the team's library, numbered after the last one ever added; `None`
    /// when the library already holds [`crate::domain::resources::MAX_RESOURCES`].
    async fn add_resource(
        &self,
        team_id: &str,
        by: &str,
        new: &NewResource,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Resource>>;

    /// The team's library, by number.
    async fn resources(&self, team_id: &str) -> StoreResult<Vec<Resource>>;

    /// Takes a resource out of the library (what was sent stays recorded); `false` if the team
    /// has no resource with that number.
    async fn remove_resource(
        &self,
        team_id: &str,
        number: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The library with, for each resource, which of `prospects` it was already sent to — in one
    /// query, however many prospects an agenda holds.
    async fn library_for(
        &self,
        team_id: &str,
        prospects: &[ProspectId],
    ) -> StoreResult<Vec<(Resource, Vec<ProspectId>)>>;

    /// What value-add touches sent a prospect of the team: the touch and the resource, in order.
    async fn resources_sent(
        &self,
        team_id: &str,
        prospect: ProspectId,
    ) -> StoreResult<Vec<(TouchId, Resource)>>;

    /// The team's done cadence touches (of one rep, when given) done since `since` (all when
    /// `None`), with what the reply rule needs.
    async fn done_touches(
        &self,
        team_id: &str,
        user_id: Option<&str>,
        since: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<DoneTouch>>;
}

/// The library's SQL for one backend; expanded inside `sql_store!`, where `Conn`, `StoreError`
/// and the backend's pools are in scope.
macro_rules! library_items {
    ($store:ident, $db:ty, $row:ty, $begin:literal) => {
        const RESOURCE_COLUMNS: &str =
            "r.id, r.number, r.title, r.url, r.tags, r.added_by, r.added_at";

        fn resource_from_row(row: &$row) -> StoreResult<crate::domain::resources::Resource> {
            let tags: String = row.try_get("tags")?;
            Ok(crate::domain::resources::Resource {
                id: row.try_get("id")?,
                number: row.try_get("number")?,
                title: row.try_get("title")?,
                url: row.try_get("url")?,
                tags: tags.split_whitespace().map(str::to_string).collect(),
                added_by: row.try_get("added_by")?,
                added_at: row.try_get("added_at")?,
            })
        }

        /// The library of `team_id`, each resource with the prospects among `prospects` that got it.
        async fn load_library<'e, E>(
            executor: E,
            team_id: &str,
            prospects: &[ProspectId],
        ) -> StoreResult<Vec<(crate::domain::resources::Resource, Vec<ProspectId>)>>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let sql = if prospects.is_empty() {
                format!(
                    "SELECT {RESOURCE_COLUMNS}, NULL AS sent_to FROM resources r \
                     WHERE r.team_id = $1 AND r.removed_at IS NULL ORDER BY r.number"
                )
            } else {
                let list: Vec<String> = (0..prospects.len()).map(|i| format!("${}", i + 2)).collect();
                format!(
                    "SELECT {RESOURCE_COLUMNS}, s.prospect_id AS sent_to FROM resources r \
                     LEFT JOIN resource_sends s ON s.resource_id = r.id AND s.prospect_id IN ({}) \
                     WHERE r.team_id = $1 AND r.removed_at IS NULL ORDER BY r.number, s.prospect_id",
                    list.join(", ")
                )
            };
            let mut query = sqlx::query(&sql).bind(team_id);
            for p in prospects {
                query = query.bind(*p);
            }
            let mut library: Vec<(crate::domain::resources::Resource, Vec<ProspectId>)> = Vec::new();
            for row in query.fetch_all(executor).await? {
                let id: i64 = row.try_get("id")?;
                if library.last().is_none_or(|(r, _)| r.id != id) {
                    library.push((resource_from_row(&row)?, Vec::new()));
                }
                if let (Some(sent_to), Some((_, sent))) =
                    (row.try_get::<Option<i64>, _>("sent_to")?, library.last_mut())
                {
                    sent.push(sent_to);
                }
            }
            Ok(library)
        }

        /// In an action's transaction: each value-add touch the action marks done records the
        /// resource the agenda suggested for it (the best unsent match; none if nothing is left).
        async fn record_resources_sent(
            conn: &mut Conn,
            before: &ProspectState,
            change: &crate::domain::lifecycle::Change,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            let p = &before.prospect;
            for t in &change.touches {
                let newly_done = t.status == TouchStatus::Done
                    && before
                        .touches
                        .iter()
                        .any(|b| b.id == t.id && b.status != TouchStatus::Done);
                if !newly_done || !crate::domain::resources::is_value_add(t) {
                    continue;
                }
                let library = load_library(&mut *conn, &p.rep.team_id, &[p.id]).await?;
                let resources: Vec<_> = library.iter().map(|(r, _)| r.clone()).collect();
                let sent: Vec<i64> = library
                    .iter()
                    .filter(|(_, to)| !to.is_empty())
                    .map(|(r, _)| r.id)
                    .collect();
                let Some(pick) = crate::domain::resources::suggest(&resources, &sent, p) else {
                    continue;
                };
                sqlx::query(
                    "INSERT INTO resource_sends (team_id, prospect_id, resource_id, touch_id, sent_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (touch_id) DO NOTHING",
                )
                .bind(&p.rep.team_id)
                .bind(p.id)
                .bind(pick.id)
                .bind(t.id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        /// On undo: what the undone action recorded as sent is forgotten.
        async fn forget_resources_sent(
            conn: &mut Conn,
            prospect: ProspectId,
            since: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query("DELETE FROM resource_sends WHERE prospect_id = $1 AND sent_at >= $2")
                .bind(prospect)
                .bind(since)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        fn is_unique_violation(e: &sqlx::Error) -> bool {
            matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
        }

        #[async_trait]
        impl crate::store::library::Library for $store {
            async fn add_resource(
                &self,
                team_id: &str,
                by: &str,
                new: &crate::domain::resources::NewResource,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<crate::domain::resources::Resource>> {
                // Two adds at once may take the same number: the unique index refuses one, which
                // tries again with the next.
                for _ in 0..5 {
                    let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM resources WHERE team_id = $1 AND removed_at IS NULL",
                    )
                    .bind(team_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if usize::try_from(count).unwrap_or(usize::MAX) >= crate::domain::resources::MAX_RESOURCES {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                    let number: i64 = sqlx::query_scalar(
                        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM resources WHERE team_id = $1",
                    )
                    .bind(team_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let inserted = sqlx::query(
                        "INSERT INTO resources (team_id, number, title, url, tags, added_by, added_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(team_id)
                    .bind(number)
                    .bind(&new.title)
                    .bind(&new.url)
                    .bind(new.tags.join(" "))
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await;
                    match inserted {
                        Ok(_) => {}
                        Err(e) if is_unique_violation(&e) => {
                            tx.rollback().await.ok();
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                    let sql = format!(
                        "SELECT {RESOURCE_COLUMNS} FROM resources r WHERE r.team_id = $1 AND r.number = $2"
                    );
                    let row = sqlx::query(&sql).bind(team_id).bind(number).fetch_one(&mut *tx).await?;
                    let resource = resource_from_row(&row)?;
                    tx.commit().await?;
                    return Ok(Some(resource));
                }
                Err(StoreError::Conflict)
            }

            async fn resources(&self, team_id: &str) -> StoreResult<Vec<crate::domain::resources::Resource>> {
                Ok(load_library(&mut *self.reader.acquire().await?, team_id, &[])
                    .await?
                    .into_iter()
                    .map(|(r, _)| r)
                    .collect())
            }

            async fn remove_resource(&self, team_id: &str, number: i64, now: DateTime<Utc>) -> StoreResult<bool> {
                let removed = sqlx::query(
                    "UPDATE resources SET removed_at = $1 WHERE team_id = $2 AND number = $3 AND removed_at IS NULL",
                )
                .bind(now)
                .bind(team_id)
                .bind(number)
                .execute(&mut *self.writer.acquire().await?)
                .await?
                .rows_affected();
                Ok(removed == 1)
            }

            async fn library_for(
                &self,
                team_id: &str,
                prospects: &[ProspectId],
            ) -> StoreResult<Vec<(crate::domain::resources::Resource, Vec<ProspectId>)>> {
                load_library(&mut *self.reader.acquire().await?, team_id, prospects).await
            }

            async fn resources_sent(
                &self,
                team_id: &str,
                prospect: ProspectId,
            ) -> StoreResult<Vec<(crate::domain::TouchId, crate::domain::resources::Resource)>> {
                let sql = format!(
                    "SELECT s.touch_id, {RESOURCE_COLUMNS} FROM resource_sends s \
                     JOIN resources r ON r.id = s.resource_id \
                     WHERE s.prospect_id = $1 AND s.team_id = $2 ORDER BY s.sent_at, s.id"
                );
                sqlx::query(&sql)
                    .bind(prospect)
                    .bind(team_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| Ok((row.try_get("touch_id")?, resource_from_row(row)?)))
                    .collect()
            }

            async fn done_touches(
                &self,
                team_id: &str,
                user_id: Option<&str>,
                since: Option<DateTime<Utc>>,
            ) -> StoreResult<Vec<crate::domain::reply_rates::DoneTouch>> {
                let mut filters = String::new();
                let mut n = 1;
                if user_id.is_some() {
                    n += 1;
                    filters.push_str(&format!(" AND t.user_id = ${n}"));
                }
                if since.is_some() {
                    n += 1;
                    filters.push_str(&format!(" AND t.done_at >= ${n}"));
                }
                // The next step of the same enrolment ends this step's reply window.
                let sql = format!(
                    "SELECT t.user_id, t.cadence_id, t.step_index, t.variant, t.done_at, \
                     t.original_due_on, p.replied_at, \
                     (SELECT n.original_due_on FROM touches n WHERE n.prospect_id = t.prospect_id \
                     AND n.enrolment_id = t.enrolment_id AND n.step_index = t.step_index + 1 \
                     ORDER BY n.id LIMIT 1) AS next_planned_on \
                     FROM touches t JOIN prospects p ON p.id = t.prospect_id \
                     WHERE t.team_id = $1 AND t.status = 'done' AND t.done_at IS NOT NULL \
                     AND t.step_index >= 0{filters}"
                );
                let mut query = sqlx::query(&sql).bind(team_id);
                if let Some(user) = user_id {
                    query = query.bind(user);
                }
                if let Some(since) = since {
                    query = query.bind(since);
                }
                query
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| {
                        Ok(crate::domain::reply_rates::DoneTouch {
                            user_id: row.try_get("user_id")?,
                            cadence: row.try_get("cadence_id")?,
                            step_index: row.try_get("step_index")?,
                            variant: row.try_get("variant")?,
                            done_at: row.try_get("done_at")?,
                            planned_on: row.try_get("original_due_on")?,
                            next_planned_on: row.try_get("next_planned_on")?,
                            replied_at: row.try_get("replied_at")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use library_items;
