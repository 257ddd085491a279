//! What a rep's morning needs: the touches due and the prospects wanting attention (the
//! agenda), moving pending touches, which reps a digest pass looks at, and the digest claims
//! that make each morning's digest go out once.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::due::{Cutoffs, DueTouch, ProspectNext};
use crate::domain::{RepRef, RepSettings};
use crate::store::{DigestOutcome, DigestRun, StoreResult};

/// The agenda's reads and the digest pass's candidates and claims.
#[async_trait]
pub trait Digests: Send + Sync {
    /// Pending touches due on or before `today`, with their prospects, in due order.
    async fn due_touches(&self, rep: &RepRef, today: NaiveDate) -> StoreResult<Vec<DueTouch>> {
        one_answer(self.due_touches_of(&[(rep.clone(), today)]).await?)
    }

    /// [`Self::due_touches`] for several reps at once, each with its own `today`, in one query:
    /// one list per rep, in the order asked. A digest pass reads a chunk of reps this way.
    async fn due_touches_of(&self, reps: &[(RepRef, NaiveDate)])
        -> StoreResult<Vec<Vec<DueTouch>>>;

    /// Open prospects that may be stale, hot and waiting, or at the end of a cadence, by id.
    async fn attention(&self, rep: &RepRef, cutoffs: Cutoffs) -> StoreResult<Vec<ProspectNext>> {
        one_answer(
            self.attention_of(std::slice::from_ref(rep), cutoffs)
                .await?,
        )
    }

    /// [`Self::attention`] for several reps at once, in one query, in the order asked.
    async fn attention_of(
        &self,
        reps: &[RepRef],
        cutoffs: Cutoffs,
    ) -> StoreResult<Vec<Vec<ProspectNext>>>;

    /// The reps' open action items (what `Prospects::open_items` reads for one rep), in one
    /// query, in the order asked.
    async fn open_items_of(
        &self,
        reps: &[RepRef],
    ) -> StoreResult<Vec<Vec<crate::domain::items::ActionItem>>>;

    /// The rep's pending touches with their prospects' lead, in due order.
    async fn rep_pending_touches(&self, rep: &RepRef) -> StoreResult<Vec<DueTouch>>;

    /// Moves the rep's pending touches to new dates, all or nothing.
    async fn move_touches(
        &self,
        rep: &RepRef,
        moves: &[(crate::domain::TouchId, NaiveDate)],
    ) -> StoreResult<()>;

    /// Every rep with a pending touch due on or before `until`.
    async fn reps_with_due(&self, until: NaiveDate) -> StoreResult<Vec<RepRef>>;

    /// Reps (with their settings) who can be messaged and have a pending touch due by `until`,
    /// or, with `active_since` (on Mondays), did anything since then: a touch logged, a
    /// prospect added, a reply, a deal won or lost.
    /// Only reps whose `digest_after` is unset or has come by `now` are candidates.
    async fn digest_candidates(
        &self,
        until: NaiveDate,
        active_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<RepSettings>>;

    /// Notes when each rep next needs a pass's attention (see `domain::digest::look_again_at`);
    /// until then the rep is no digest candidate. A rep whose settings changed after `as_of`
    /// (the pass's start) is left to be looked at again. In one transaction.
    async fn set_digest_after(
        &self,
        reps: &[(RepRef, DateTime<Utc>)],
        as_of: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Claims the rep's digest for a local date: `true` for exactly one caller, until the claim
    /// is finished as sent, or its lease runs out unsent (then a later pass may claim it again).
    async fn claim_digest(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Records how a claimed digest ended.
    async fn finish_digest(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
        outcome: &DigestOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The digest record for a rep's local date, if any.
    async fn digest_run(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
    ) -> StoreResult<Option<DigestRun>>;
}

/// The one answer a batched read gives when asked about one rep (a missing one is a store bug,
/// not an empty agenda).
fn one_answer<T>(mut answers: Vec<T>) -> StoreResult<T> {
    match (answers.pop(), answers.is_empty()) {
        (Some(answer), true) => Ok(answer),
        _ => Err(crate::store::StoreError::Corrupt(
            "a batched read for one rep did not answer once".into(),
        )),
    }
}

/// The digests' SQL for one backend; expanded inside `sql_store!`.
macro_rules! digest_sql {
    ($store:ident, $begin:literal) => {
        #[async_trait]
        impl crate::store::Digests for $store {
            async fn due_touches_of(
                &self,
                reps: &[(RepRef, NaiveDate)],
            ) -> StoreResult<Vec<Vec<DueTouch>>> {
                let mut found: Vec<Vec<DueTouch>> = reps.iter().map(|_| Vec::new()).collect();
                if reps.is_empty() {
                    return Ok(found);
                }
                let sql = format!(
                    "WITH r (k, team_id, user_id, today) AS (VALUES {values}) \
                     SELECT r.k AS batch_k, {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM r \
                     JOIN touches t ON t.team_id = r.team_id AND t.user_id = r.user_id \
                     AND t.status = 'pending' AND t.due_on <= r.today \
                     JOIN prospects p ON p.id = t.prospect_id",
                    values = placeholders(reps.len(), 4, 1)
                );
                let mut query = sqlx::query(&sql);
                for (k, (rep, today)) in reps.iter().enumerate() {
                    query = query.bind(k as i64).bind(&rep.team_id).bind(&rep.user_id).bind(*today);
                }
                let who: Vec<&RepRef> = reps.iter().map(|(rep, _)| rep).collect();
                let cadences = self.cadences_by_team(who).await?;
                for row in query.fetch_all(&mut *self.reader.acquire().await?).await? {
                    let k = batch_index(&row, reps.len())?;
                    found[k].push(due_touch_from_row(&row, cadences_for(&cadences, &reps[k].0)?)?);
                }
                for touches in &mut found {
                    touches.sort_unstable_by_key(|t| (t.touch.due_on, t.touch.id));
                }
                Ok(found)
            }

            async fn attention_of(
                &self,
                reps: &[RepRef],
                cutoffs: Cutoffs,
            ) -> StoreResult<Vec<Vec<ProspectNext>>> {
                let mut found: Vec<Vec<ProspectNext>> = reps.iter().map(|_| Vec::new()).collect();
                if reps.is_empty() {
                    return Ok(found);
                }
                let first = reps.len() * 3 + 1;
                let (stale, hot, late) = (first, first + 1, first + 2);
                let sql = format!(
                    "WITH r (k, team_id, user_id) AS (VALUES {values}) \
                     SELECT r.k AS batch_k, {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM r \
                     JOIN prospects p ON p.team_id = r.team_id AND p.user_id = r.user_id \
                     AND p.status IN ('active', 'awaiting', 'replied') \
                     LEFT JOIN touches t ON t.id = (SELECT n.id FROM touches n WHERE n.prospect_id = p.id \
                     AND n.enrolment_id = p.enrolment_id AND n.status = 'pending' \
                     ORDER BY n.due_on, n.step_index LIMIT 1) \
                     WHERE p.status = 'awaiting' \
                     OR (p.status = 'replied' AND COALESCE(p.last_contact_at, p.enrolled_at) < ${stale}) \
                     OR (p.status = 'active' AND p.lead IN ('hot', 'warm') AND p.touches_done = 0 AND p.enrolled_at < ${hot}) \
                     OR (p.status = 'active' AND COALESCE(p.last_contact_at, p.enrolled_at) < ${stale} \
                     AND p.cadence_id <> 'nurture' AND EXISTS (SELECT 1 FROM touches l WHERE l.prospect_id = p.id \
                     AND l.enrolment_id = p.enrolment_id AND l.status = 'pending' AND l.due_on < ${late}))",
                    values = placeholders(reps.len(), 3, 1)
                );
                let mut query = sqlx::query(&sql);
                for (k, rep) in reps.iter().enumerate() {
                    query = query.bind(k as i64).bind(&rep.team_id).bind(&rep.user_id);
                }
                let query = query
                    .bind(cutoffs.stale_before)
                    .bind(cutoffs.hot_enrolled_before)
                    .bind(cutoffs.late_before);
                let cadences = self.cadences_by_team(reps).await?;
                // Only what `due::build` keeps: awaiting; replied and gone quiet; hot and
                // untouched; active, quiet and late (a planned rest is not stale) — so the
                // rows grow with what the digest shows, not with the pipeline.
                for row in query.fetch_all(&mut *self.reader.acquire().await?).await? {
                    let k = batch_index(&row, reps.len())?;
                    found[k].push(prospect_next_from_row(&row, cadences_for(&cadences, &reps[k])?)?);
                }
                for prospects in &mut found {
                    prospects.sort_unstable_by_key(|p| p.prospect.id);
                }
                Ok(found)
            }

            async fn open_items_of(
                &self,
                reps: &[RepRef],
            ) -> StoreResult<Vec<Vec<crate::domain::items::ActionItem>>> {
                let mut found: Vec<Vec<crate::domain::items::ActionItem>> =
                    reps.iter().map(|_| Vec::new()).collect();
                if reps.is_empty() {
                    return Ok(found);
                }
                let sql = format!(
                    "WITH r (k, team_id, user_id) AS (VALUES {values}) \
                     SELECT r.k AS batch_k, {ITEM_COLUMNS} FROM r \
                     JOIN action_items i ON i.team_id = r.team_id AND i.user_id = r.user_id \
                     AND i.done_at IS NULL \
                     JOIN prospects p ON p.id = i.prospect_id",
                    values = placeholders(reps.len(), 3, 1)
                );
                let mut query = sqlx::query(&sql);
                for (k, rep) in reps.iter().enumerate() {
                    query = query.bind(k as i64).bind(&rep.team_id).bind(&rep.user_id);
                }
                for row in query.fetch_all(&mut *self.reader.acquire().await?).await? {
                    let k = batch_index(&row, reps.len())?;
                    found[k].push(item_from_row(&row)?);
                }
                for items in &mut found {
                    // Dated first, by date, then undated; each by id (as `open_items` orders).
                    items.sort_unstable_by_key(|i| (i.due_on.is_none(), i.due_on, i.id));
                }
                Ok(found)
            }

            async fn rep_pending_touches(&self, rep: &RepRef) -> StoreResult<Vec<DueTouch>> {
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM touches t \
                     JOIN prospects p ON p.id = t.prospect_id \
                     WHERE t.team_id = $1 AND t.user_id = $2 AND t.status = 'pending' \
                     ORDER BY t.due_on, t.id"
                );
                let cadences = self.cadences_of(&rep.team_id).await?;
                sqlx::query(&sql)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(|row| due_touch_from_row(row, &cadences))
                    .collect()
            }

            async fn move_touches(&self, rep: &RepRef, moves: &[(crate::domain::TouchId, NaiveDate)]) -> StoreResult<()> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                for (id, due_on) in moves {
                    sqlx::query(
                        "UPDATE touches SET due_on = $1 WHERE id = $2 AND team_id = $3 AND user_id = $4 \
                         AND status = 'pending'",
                    )
                    .bind(due_on)
                    .bind(id)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn reps_with_due(&self, until: NaiveDate) -> StoreResult<Vec<RepRef>> {
                // One index probe per rep: bounded by the number of reps, not of touches.
                let rows = sqlx::query(
                    "SELECT r.team_id, r.user_id FROM reps r WHERE EXISTS (SELECT 1 FROM touches t \
                     WHERE t.team_id = r.team_id AND t.user_id = r.user_id AND t.status = 'pending' \
                     AND t.due_on <= $1) ORDER BY r.team_id, r.user_id",
                )
                .bind(until)
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(RepRef::new(
                            row.try_get::<String, _>("team_id")?,
                            row.try_get::<String, _>("user_id")?,
                        ))
                    })
                    .collect()
            }

            async fn digest_candidates(
                &self,
                until: NaiveDate,
                active_since: Option<DateTime<Utc>>,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<RepSettings>> {
                // One index probe per rep (five on Mondays): bounded by the number of reps, not
                // of touches or prospects.
                // A touch due, or a promise of the rep's due (the digest lists both).
                let due = "(EXISTS (SELECT 1 FROM touches t WHERE t.team_id = r.team_id AND t.user_id = r.user_id \
                     AND t.status = 'pending' AND t.due_on <= $1) \
                     OR EXISTS (SELECT 1 FROM action_items a WHERE a.team_id = r.team_id AND a.user_id = r.user_id \
                     AND a.done_at IS NULL AND a.mine = TRUE AND a.due_on <= $1))";
                // Not before the rep's `digest_after` (an index range); a workspace whose token
                // died or that uninstalled followup: one primary-key probe.
                let now_at = if active_since.is_some() { "$3" } else { "$2" };
                let live = format!(
                    "(r.digest_after IS NULL OR r.digest_after <= {now_at}) \
                     AND NOT EXISTS (SELECT 1 FROM workspace_revocations w WHERE w.team_id = r.team_id)"
                );
                let sql = match active_since {
                    None => format!(
                        // No ORDER BY: sorting would have SQLite walk every rep in key order
                        // instead of the `digest_after` index; the pass sorts what it gets.
                        "SELECT {REP_COLUMNS} FROM reps r WHERE r.unreachable_since IS NULL AND {live} AND {due}"
                    ),
                    Some(_) => format!(
                        "SELECT {REP_COLUMNS} FROM reps r WHERE r.unreachable_since IS NULL AND {live} AND ({due} \
                         OR EXISTS (SELECT 1 FROM touches d WHERE d.team_id = r.team_id AND d.user_id = r.user_id \
                         AND d.status = 'done' AND d.done_at >= $2) \
                         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
                         AND p.created_at >= $2) \
                         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
                         AND p.replied_at >= $2) \
                         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
                         AND p.closed_at >= $2))"
                    ),
                };
                let mut query = sqlx::query(&sql).bind(until);
                if let Some(since) = active_since {
                    query = query.bind(since);
                }
                query
                    .bind(now)
                    .fetch_all(&mut *self.reader.acquire().await?)
                    .await?
                    .iter()
                    .map(settings_from_row)
                    .collect()
            }

            async fn set_digest_after(&self, reps: &[(RepRef, DateTime<Utc>)], as_of: DateTime<Utc>) -> StoreResult<()> {
                if reps.is_empty() {
                    return Ok(());
                }
                // In key order, so two replicas' passes lock the rows in the same order and
                // cannot deadlock on Postgres (each waiting for a row the other updated).
                let mut ordered: Vec<&(RepRef, DateTime<Utc>)> = reps.iter().collect();
                ordered.sort_by(|a, b| (&a.0.team_id, &a.0.user_id).cmp(&(&b.0.team_id, &b.0.user_id)));
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                for (rep, at) in ordered {
                    // A settings change made while the pass ran cleared it: keep that.
                    sqlx::query(
                        "UPDATE reps SET digest_after = $1 WHERE team_id = $2 AND user_id = $3 AND updated_at <= $4",
                    )
                    .bind(at)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .bind(as_of)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn claim_digest(
                &self,
                rep: &RepRef,
                local_date: NaiveDate,
                now: DateTime<Utc>,
                lease_until: DateTime<Utc>,
            ) -> StoreResult<bool> {
                // The insert wins the first time; after that only an unsent claim whose lease
                // has run out can be taken over. rows_affected tells the one winner.
                let claimed = sqlx::query(
                    "INSERT INTO digest_runs (team_id, user_id, local_date, status, attempts, claimed_at, lease_until) \
                     VALUES ($1, $2, $3, 'claimed', 1, $4, $5) \
                     ON CONFLICT (team_id, user_id, local_date) DO UPDATE SET status = 'claimed', \
                     attempts = digest_runs.attempts + 1, claimed_at = excluded.claimed_at, \
                     lease_until = excluded.lease_until \
                     WHERE digest_runs.status IN ('claimed', 'failed') AND digest_runs.lease_until < excluded.claimed_at \
                     AND digest_runs.attempts < $6",
                )
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .bind(local_date)
                .bind(now)
                .bind(lease_until)
                .bind(crate::domain::digest::MAX_ATTEMPTS)
                .execute(&mut *self.writer.acquire().await?)
                .await?
                .rows_affected();
                Ok(claimed == 1)
            }

            async fn finish_digest(
                &self,
                rep: &RepRef,
                local_date: NaiveDate,
                outcome: &DigestOutcome,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let (status, channel, ts, error, lease) = match outcome {
                    DigestOutcome::Sent { channel, ts } => ("sent", Some(channel.as_str()), Some(ts.as_str()), None, now),
                    DigestOutcome::Failed { error, retry_at } => ("failed", None, None, Some(error.as_str()), *retry_at),
                    DigestOutcome::Unreachable { reason } => ("unreachable", None, None, Some(reason.as_str()), now),
                };
                sqlx::query(
                    "UPDATE digest_runs SET status = $1, channel_id = $2, message_ts = $3, last_error = $4, \
                     lease_until = $5, sent_at = CASE WHEN $1 = 'sent' THEN $6 ELSE sent_at END \
                     WHERE team_id = $7 AND user_id = $8 AND local_date = $9",
                )
                .bind(status)
                .bind(channel)
                .bind(ts)
                .bind(error)
                .bind(lease)
                .bind(now)
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .bind(local_date)
                .execute(&mut *tx)
                .await?;
                if let DigestOutcome::Unreachable { reason } = outcome {
                    sqlx::query(
                        "UPDATE reps SET unreachable_since = $1, unreachable_reason = $2, updated_at = $1 \
                         WHERE team_id = $3 AND user_id = $4",
                    )
                    .bind(now)
                    .bind(reason)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn digest_run(&self, rep: &RepRef, local_date: NaiveDate) -> StoreResult<Option<DigestRun>> {
                let row = sqlx::query(
                    "SELECT status, attempts, sent_at, channel_id, message_ts, last_error FROM digest_runs \
                     WHERE team_id = $1 AND user_id = $2 AND local_date = $3",
                )
                .bind(&rep.team_id)
                .bind(&rep.user_id)
                .bind(local_date)
                .fetch_optional(&mut *self.reader.acquire().await?)
                .await?;
                row.map(|row| {
                    Ok(DigestRun {
                        status: row.try_get("status")?,
                        attempts: row.try_get("attempts")?,
                        sent_at: row.try_get("sent_at")?,
                        channel_id: row.try_get("channel_id")?,
                        message_ts: row.try_get("message_ts")?,
                        last_error: row.try_get("last_error")?,
                    })
                })
                .transpose()
            }
        }
    };
}

pub(crate) use digest_sql;
