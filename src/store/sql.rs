//! The SQL both backends share, written once. sqlx's SQLite driver binds `$N` by number as
//! Postgres does, and the schema uses types both databases have, so one text serves both; the
//! macro stamps it out for each backend's pool and row types (sqlx has no backend-generic
//! executor that avoids `Any`, which would lose both backends' native types).
//!
//! This file holds what every area uses — the connection and query types, prospects and
//! touches read back from rows, a prospect's current state, the team's cadences — and
//! `sql_store!`, which stamps all of it out for one backend together with each area's SQL.
//! An area is a file in `sql/` that declares its part of the store (a trait [`Store`] builds
//! on) beside the SQL that implements it: `prospects`, `digests`, `reps`, `teams`,
//! `workspaces` and `metrics`. `adds`, `actions` and `inserts` hold the writes they share; the
//! library (`library.rs`) and the team's cadences (`cadence_sql.rs`) are stamped out the same
//! way.
//!
//! [`Store`]: super::Store

pub(super) mod actions;
pub(super) mod adds;
pub(super) mod digests;
pub(super) mod inserts;
pub(super) mod metrics;
pub(super) mod prospects;
pub(super) mod reps;
pub(super) mod teams;
pub(super) mod workspaces;

pub use digests::Digests;
pub use metrics::Metrics;
pub use prospects::Prospects;
pub use reps::Reps;
pub use teams::Teams;
pub use workspaces::Workspaces;

// Not formatted: rustfmt indents the text of a `format!` in here further on every run.
#[rustfmt::skip]
macro_rules! sql_store {
    ($store:ident, $db:ty, $row:ty, $pool:ty, $lease:ty, $backend:expr, $begin:literal, $migrations:tt, $inserted_ids:path, $returning_id:literal) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
            use sqlx::Row;

            use crate::domain::due::{Cutoffs, DueTouch, ProspectNext};
            use crate::domain::lifecycle::{Change, NewTouch, ProspectState};
            use crate::domain::metrics::History;
            use crate::domain::{
                CadenceId, Money, NewProspect, Prospect, ProspectId, ProspectStatus, RepRef,
                RepSettings, Touch, TouchStatus,
            };
            use crate::domain::team_cadences::TeamCadences;
            use crate::store::rows::{self, PROSPECT_COLUMNS, TOUCH_COLUMNS};
            use crate::store::{
                Activity, AddJob, Added, Applied, Backend, Decide, DigestOutcome, DigestRun, Purged, Revocation, Store,
                StoreError, StoreResult, Undone, Workspace,
            };

            use sqlx::Connection as _;

            type Conn = <$db as sqlx::Database>::Connection;
            // Where the store borrows its connections: sqlx's pool on Postgres, its own list on
            // SQLite (`store::sqlite_connections`).
            type Pool = $pool;
            type Lease = $lease;
            type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

            const OPEN_STATUSES: &str = "('active', 'paused', 'awaiting', 'replied')";

            // Each area's SQL for this backend: they share this scope's imports, types and
            // helpers, and one another's.
            crate::store::sql::inserts::insert_sql!($backend, $inserted_ids, $returning_id);
            crate::store::sql::adds::add_sql!($store, $db, $begin, $inserted_ids, $returning_id);
            crate::store::sql::actions::action_sql!();
            crate::store::sql::prospects::prospect_sql!($store, $begin);
            crate::store::sql::digests::digest_sql!($store, $begin);
            crate::store::sql::reps::rep_sql!($store, $row);
            crate::store::sql::teams::team_sql!($store, $db, $begin);
            crate::store::sql::workspaces::workspace_sql!($store, $begin);
            crate::store::sql::metrics::metric_sql!($store, $db, $row);
            crate::store::library::library_items!($store, $db, $row, $begin);
            crate::store::cadence_sql::cadence_sql!($db);

            fn prospect_from_row(row: &$row, cadences: &TeamCadences) -> StoreResult<Prospect> {
                let value: Option<i64> = row.try_get("value_cents")?;
                Ok(Prospect {
                    id: row.try_get("id")?,
                    rep: RepRef::new(
                        row.try_get::<String, _>("team_id")?,
                        row.try_get::<String, _>("user_id")?,
                    ),
                    name: row.try_get("name")?,
                    email: row.try_get("email")?,
                    phone: row.try_get("phone")?,
                    phone_e164: row.try_get("phone_e164")?,
                    linkedin: row.try_get("linkedin")?,
                    company: row.try_get("company")?,
                    stage: rows::stage(&row.try_get::<String, _>("stage")?)?,
                    value: value
                        .map(|cents| {
                            Money::from_cents(cents)
                                .map_err(|_| StoreError::Corrupt(format!("value {cents}")))
                        })
                        .transpose()?,
                    lead: rows::lead(row.try_get("lead")?)?,
                    pace: rows::pace(&row.try_get::<String, _>("pace")?)?,
                    notes: row.try_get("notes")?,
                    status: rows::status(&row.try_get::<String, _>("status")?)?,
                    cadence: cadences.resolve_lenient(
                        &row.try_get::<String, _>("cadence_id")?,
                        row.try_get("cadence_version")?,
                    ),
                    enrolment_id: row.try_get("enrolment_id")?,
                    enrolled_at: row.try_get("enrolled_at")?,
                    touches_done: row.try_get("touches_done")?,
                    first_touch_at: row.try_get("first_touch_at")?,
                    last_contact_at: row.try_get("last_contact_at")?,
                    last_channel: rows::channel(row.try_get("last_channel")?)?,
                    replied_after_touch: row.try_get("replied_after_touch")?,
                    replied_at: row.try_get("replied_at")?,
                    paused_on: row.try_get("paused_on")?,
                    closed_at: row.try_get("closed_at")?,
                    close_reason: row.try_get("close_reason")?,
                    created_at: row.try_get("created_at")?,
                    version: row.try_get("version")?,
                    prefers: rows::channel(row.try_get("prefers")?)?,
                    last_note: row.try_get("last_note")?,
                })
            }

            /// A touch from the `t_`-prefixed columns; `None` where a LEFT JOIN found none.
            fn touch_from_row(row: &$row, cadences: &TeamCadences) -> StoreResult<Option<Touch>> {
                let Some(id) = row.try_get::<Option<i64>, _>("t_id")? else {
                    return Ok(None);
                };
                Ok(Some(Touch {
                    id,
                    prospect_id: row.try_get("t_prospect_id")?,
                    enrolment_id: row.try_get("t_enrolment_id")?,
                    cadence: cadences.resolve_lenient(
                        &row.try_get::<String, _>("t_cadence_id")?,
                        row.try_get("t_cadence_version")?,
                    ),
                    step_index: row.try_get("t_step_index")?,
                    step_count: row.try_get("t_step_count")?,
                    due_on: row.try_get("t_due_on")?,
                    original_due_on: row.try_get("t_original_due_on")?,
                    status: rows::touch_status(&row.try_get::<String, _>("t_status")?)?,
                    snoozes: row.try_get("t_snoozes")?,
                    done_at: row.try_get("t_done_at")?,
                    channel: rows::channel(row.try_get("t_channel")?)?,
                    note: row.try_get("t_note")?,
                    outcome: rows::outcome(row.try_get("t_outcome")?)?,
                    variant: row.try_get("t_variant")?,
                }))
            }

            /// A pending touch with its prospect (both joined in the row; the touch is required).
            fn due_touch_from_row(row: &$row, cadences: &TeamCadences) -> StoreResult<DueTouch> {
                let touch = touch_from_row(row, cadences)?
                    .ok_or_else(|| StoreError::Corrupt("pending touch without id".into()))?;
                Ok(DueTouch::new(prospect_from_row(row, cadences)?, touch))
            }

            fn prospect_next_from_row(row: &$row, cadences: &TeamCadences) -> StoreResult<ProspectNext> {
                Ok(ProspectNext {
                    prospect: prospect_from_row(row, cadences)?,
                    next: touch_from_row(row, cadences)?,
                })
            }

            const ITEM_COLUMNS: &str =
                "i.id, i.prospect_id, p.name, i.mine, i.text, i.due_on, i.done_at";

            fn item_from_row(row: &$row) -> StoreResult<crate::domain::items::ActionItem> {
                Ok(crate::domain::items::ActionItem {
                    id: row.try_get("id")?,
                    prospect_id: row.try_get("prospect_id")?,
                    prospect_name: row.try_get("name")?,
                    mine: row.try_get("mine")?,
                    text: row.try_get("text")?,
                    due_on: row.try_get("due_on")?,
                    done_at: row.try_get("done_at")?,
                })
            }

            /// Which of a batch's `n` entries a row answers (its `batch_k` column).
            fn batch_index(row: &$row, n: usize) -> StoreResult<usize> {
                let k: i64 = row.try_get("batch_k")?;
                usize::try_from(k)
                    .ok()
                    .filter(|&k| k < n)
                    .ok_or_else(|| StoreError::Corrupt(format!("a batched read answered entry {k} of {n}")))
            }

            /// The cadences of `rep`'s team, from [`$store::cadences_by_team`]'s answer.
            fn cadences_for<'c>(
                cadences: &'c std::collections::HashMap<String, std::sync::Arc<TeamCadences>>,
                rep: &RepRef,
            ) -> StoreResult<&'c TeamCadences> {
                cadences
                    .get(&rep.team_id)
                    .map(|c| &**c)
                    .ok_or_else(|| StoreError::Corrupt(format!("no cadences read for team {}", rep.team_id)))
            }

            /// A prospect with the touches of its current enrolment, as `conn` sees them.
            async fn load_state(
                conn: &mut Conn,
                rep: &RepRef,
                id: ProspectId,
                cadences: &TeamCadences,
            ) -> StoreResult<Option<ProspectState>> {
                let sql = format!(
                    "SELECT {PROSPECT_COLUMNS} FROM prospects p \
                     WHERE p.id = $1 AND p.team_id = $2 AND p.user_id = $3"
                );
                let Some(row) = sqlx::query(&sql)
                    .bind(id)
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    return Ok(None);
                };
                let prospect = prospect_from_row(&row, cadences)?;
                let sql = format!(
                    "SELECT {TOUCH_COLUMNS} FROM touches t \
                     WHERE t.prospect_id = $1 AND t.enrolment_id = $2 ORDER BY t.step_index"
                );
                let touches = sqlx::query(&sql)
                    .bind(id)
                    .bind(prospect.enrolment_id)
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .filter_map(|row| touch_from_row(row, cadences).transpose())
                    .collect::<StoreResult<Vec<Touch>>>()?;
                let newer = cadences.current(prospect.cadence).filter(|c| *c != prospect.cadence);
                Ok(Some(ProspectState { prospect, touches, newer }))
            }

            impl $store {
                /// The team's cadences, from memory when this process has them (see `cadence_cache`).
                async fn cadences_of(&self, team_id: &str) -> StoreResult<std::sync::Arc<TeamCadences>> {
                    if let Some(cached) = self.cadences.get(team_id) {
                        return Ok(cached);
                    }
                    let loaded = std::sync::Arc::new(load_team_cadences(&mut *self.reader.acquire().await?, team_id).await?);
                    self.cadences.put(team_id, loaded.clone());
                    Ok(loaded)
                }

                /// [`Self::cadences_of`] each team the reps are in.
                async fn cadences_by_team<'r>(
                    &self,
                    reps: impl IntoIterator<Item = &'r RepRef>,
                ) -> StoreResult<std::collections::HashMap<String, std::sync::Arc<TeamCadences>>> {
                    let mut teams = std::collections::HashMap::new();
                    for rep in reps {
                        if !teams.contains_key(&rep.team_id) {
                            teams.insert(rep.team_id.clone(), self.cadences_of(&rep.team_id).await?);
                        }
                    }
                    Ok(teams)
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                async fn migrate(&self) -> StoreResult<()> {
                    sqlx::migrate!($migrations).run_direct(&mut *self.writer.acquire().await?).await?;
                    Ok(())
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&mut *self.reader.acquire().await?).await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use sql_store;
