//! A rep's prospects: adding one (written by the group commit, `adds`), reading them, writing
//! the change an action makes (decided by the domain, written by `actions`) and taking it back,
//! and their recaps' action items.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::due::ProspectNext;
use crate::domain::lifecycle::{NewTouch, ProspectState};
use crate::domain::{CadenceId, NewProspect, Prospect, ProspectId, RepRef};
use crate::store::{Added, Applied, Decide, StoreResult, Undone};

/// One rep's prospects, their actions and their action items.
#[async_trait]
pub trait Prospects: Send + Sync {
    /// Records a prospect, its enrolment in `cadence` and its planned touches, all or nothing —
    /// unless the workspace already holds someone with this email, or this name at this company
    /// (any case): then nothing is written and those are returned. The check and the write are
    /// one transaction. Concurrent adds are committed together (group commit, see `batch`).
    async fn add_prospect(
        &self,
        rep: &RepRef,
        new: &NewProspect,
        cadence: CadenceId,
        touches: &[NewTouch],
        now: DateTime<Utc>,
    ) -> StoreResult<Added>;

    /// A prospect with the touches of its current enrolment.
    async fn prospect_state(
        &self,
        rep: &RepRef,
        id: ProspectId,
    ) -> StoreResult<Option<ProspectState>>;

    /// Prospects whose name contains `needle` (any case), open ones first; at most `limit`.
    async fn find_prospects(
        &self,
        rep: &RepRef,
        needle: &str,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Prospect>>;

    /// The rep's open prospects with their next touch.
    async fn open_prospects(&self, rep: &RepRef) -> StoreResult<Vec<ProspectNext>>;

    /// Writes, atomically and at `now`, the change `decide` works out from the prospect's current
    /// state: the service passes the domain's decision on the rep's action
    /// (`domain::lifecycle::decide`). A change that changes nothing writes nothing; a change that
    /// lost a race with another write is not written: the state is read again and `decide`
    /// asked again.
    async fn apply(
        &self,
        rep: &RepRef,
        id: ProspectId,
        now: DateTime<Utc>,
        decide: &Decide<'_>,
    ) -> StoreResult<Applied>;

    /// Takes back the change an undo record names, if it is the rep's, not yet undone, not
    /// expired at `now`, and nothing changed the prospect since. All or nothing.
    async fn undo(&self, rep: &RepRef, undo_id: i64, now: DateTime<Utc>) -> StoreResult<Undone>;

    /// Stores a recap's action items for one of the rep's prospects; `false` if it is not theirs.
    async fn add_items(
        &self,
        rep: &RepRef,
        prospect: ProspectId,
        items: &[crate::domain::items::NewItem],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The rep's open action items (of one prospect, when given), by due date, undated last.
    async fn open_items(
        &self,
        rep: &RepRef,
        prospect: Option<ProspectId>,
    ) -> StoreResult<Vec<crate::domain::items::ActionItem>>;

    /// Marks one of the rep's items delivered; `false` if it was not theirs or already done.
    async fn deliver_item(&self, rep: &RepRef, item: i64, now: DateTime<Utc>) -> StoreResult<bool>;
}

/// The prospects' SQL for one backend; expanded inside `sql_store!`.
macro_rules! prospect_sql {
    ($store:ident, $begin:literal) => {
        #[async_trait]
        impl crate::store::Prospects for $store {
            async fn add_prospect(
                &self,
                rep: &RepRef,
                new: &NewProspect,
                cadence: CadenceId,
                touches: &[NewTouch],
                now: DateTime<Utc>,
            ) -> StoreResult<Added> {
                self.adds
                    .submit(AddJob {
                        rep: rep.clone(),
                        new: new.clone(),
                        cadence,
                        touches: touches.to_vec(),
                        // What Postgres keeps of an instant, so the reply built from these
                        // values is what a later read finds on either database.
                        now: now.trunc_subsecs(6),
                    })
                    .await
            }

            async fn prospect_state(&self, rep: &RepRef, id: ProspectId) -> StoreResult<Option<ProspectState>> {
                let cadences = self.cadences_of(&rep.team_id).await?;
                let mut conn = self.reader.acquire().await?;
                load_state(&mut conn, rep, id, &cadences).await
            }

            async fn find_prospects(
                &self,
                rep: &RepRef,
                needle: &str,
                open_only: bool,
                limit: i64,
            ) -> StoreResult<Vec<Prospect>> {
                let only_open = if open_only {
                    format!("AND p.status IN {OPEN_STATUSES}")
                } else {
                    String::new()
                };
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS} FROM prospects p \
                     WHERE p.team_id = $1 AND p.user_id = $2 AND p.name_folded LIKE $3 ESCAPE '\\' {only_open} \
                     ORDER BY CASE WHEN p.status IN {OPEN_STATUSES} THEN 0 ELSE 1 END, p.id LIMIT $4"
                );
                let cadences = self.cadences_of(&rep.team_id).await?;
                sqlx::query(&sql)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .bind(rows::contains_pattern(needle))
                    .bind(limit)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| prospect_from_row(row, &cadences))
                    .collect()
            }

            async fn open_prospects(&self, rep: &RepRef) -> StoreResult<Vec<ProspectNext>> {
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM prospects p \
                     LEFT JOIN touches t ON t.id = (SELECT n.id FROM touches n WHERE n.prospect_id = p.id \
                     AND n.enrolment_id = p.enrolment_id AND n.status IN ('pending', 'paused') \
                     ORDER BY n.due_on, n.step_index LIMIT 1) \
                     WHERE p.team_id = $1 AND p.user_id = $2 AND p.status IN {OPEN_STATUSES} \
                     ORDER BY p.id"
                );
                let cadences = self.cadences_of(&rep.team_id).await?;
                sqlx::query(&sql)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| prospect_next_from_row(row, &cadences))
                    .collect()
            }

            async fn apply(
                &self,
                rep: &RepRef,
                id: ProspectId,
                now: DateTime<Utc>,
                decide: &Decide<'_>,
            ) -> StoreResult<Applied> {
                let cadences = self.cadences_of(&rep.team_id).await?;
                // A lost race re-reads and decides again; a few rounds settle any double click.
                for _ in 0..5 {
                    let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                    let state = load_state(&mut tx, rep, id, &cadences).await?.ok_or(StoreError::NotFound(id))?;
                    let change = decide(&state)?;
                    if change.is_noop() {
                        tx.rollback().await?;
                        return Ok(Applied { state, outcome: change.outcome, undo: None });
                    }
                    let undo = record_undo(&mut tx, &state, &change, now).await?;
                    if !write_change(&mut tx, &state.prospect, &change, now).await? {
                        tx.rollback().await?;
                        continue;
                    }
                    record_resources_sent(&mut tx, &state, &change, now).await?;
                    let state = load_state(&mut tx, rep, id, &cadences).await?.ok_or(StoreError::NotFound(id))?;
                    tx.commit().await?;
                    return Ok(Applied { state, outcome: change.outcome, undo: Some(undo) });
                }
                Err(StoreError::Conflict)
            }

            async fn undo(&self, rep: &RepRef, undo_id: i64, now: DateTime<Utc>) -> StoreResult<Undone> {
                let cadences = self.cadences_of(&rep.team_id).await?;
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let Some(row) = sqlx::query(
                    "SELECT version_after, max_touch_id, enrolment_ended_at, enrolment_end_reason, snapshot, \
                     expires_at, created_at FROM undo_log WHERE id = $1 AND team_id = $2 AND user_id = $3 AND used_at IS NULL",
                )
                .bind(undo_id)
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    tx.rollback().await?;
                    return Ok(Undone::Gone);
                };
                let expires_at: DateTime<Utc> = row.try_get("expires_at")?;
                if expires_at < now {
                    tx.rollback().await?;
                    return Ok(Undone::Expired);
                }
                let snapshot: String = row.try_get("snapshot")?;
                let before: ProspectState = serde_json::from_str(&snapshot)
                    .map_err(|e| StoreError::Corrupt(format!("undo snapshot {undo_id}: {e}")))?;
                let restored = restore(
                    &mut tx,
                    &before,
                    row.try_get("version_after")?,
                    row.try_get("max_touch_id")?,
                    (row.try_get("enrolment_ended_at")?, row.try_get("enrolment_end_reason")?),
                    row.try_get("created_at")?,
                    now,
                )
                .await?;
                if !restored {
                    tx.rollback().await?;
                    return Ok(Undone::Changed);
                }
                sqlx::query("UPDATE undo_log SET used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(undo_id)
                    .execute(&mut *tx)
                    .await?;
                let state = load_state(&mut tx, rep, before.prospect.id, &cadences)
                    .await?
                    .ok_or(StoreError::NotFound(before.prospect.id))?;
                tx.commit().await?;
                Ok(Undone::Restored(Box::new(state)))
            }

            async fn add_items(
                &self,
                rep: &RepRef,
                prospect: ProspectId,
                items: &[crate::domain::items::NewItem],
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let owned: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM prospects WHERE id = $1 AND team_id = $2 AND user_id = $3",
                )
                .bind(prospect)
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .fetch_optional(&mut *tx)
                .await?;
                if owned.is_none() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for item in items {
                    sqlx::query(
                        "INSERT INTO action_items (prospect_id, team_id, user_id, mine, text, due_on, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(prospect)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .bind(item.mine)
                    .bind(&item.text)
                    .bind(item.due_on)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn open_items(
                &self,
                rep: &RepRef,
                prospect: Option<ProspectId>,
            ) -> StoreResult<Vec<crate::domain::items::ActionItem>> {
                let only = if prospect.is_some() { "AND i.prospect_id = $3" } else { "" };
                let sql = format!(
                    "SELECT {ITEM_COLUMNS} \
                     FROM action_items i JOIN prospects p ON p.id = i.prospect_id \
                     WHERE i.team_id = $1 AND i.user_id = $2 AND i.done_at IS NULL {only} \
                     ORDER BY CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END, i.due_on, i.id"
                );
                let mut query = sqlx::query(&sql).bind(&rep.team_id).bind(&rep.user_id);
                if let Some(p) = prospect {
                    query = query.bind(p);
                }
                query
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(item_from_row)
                    .collect()
            }

            async fn deliver_item(&self, rep: &RepRef, item: i64, now: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE action_items SET done_at = $1 WHERE id = $2 AND team_id = $3 AND user_id = $4 \
                     AND done_at IS NULL",
                )
                .bind(now)
                .bind(item)
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .execute(&mut *self.writer.acquire().await?)
                .await?
                .rows_affected();
                Ok(done == 1)
            }
        }
    };
}

pub(crate) use prospect_sql;
