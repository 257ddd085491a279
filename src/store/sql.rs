//! The SQL both backends share, written once. sqlx's SQLite driver binds `$N` by number as
//! Postgres does, and the schema uses types both databases have, so one text serves both; the
//! macro stamps it out for each backend's pool and row types (sqlx has no backend-generic
//! executor that avoids `Any`, which would lose both backends' native types).

macro_rules! sql_store {
    ($store:ident, $db:ty, $row:ty, $backend:expr, $begin:literal, $migrations:tt, $inserted_ids:path, $returning_id:literal) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
            use sqlx::Row;

            use crate::domain::due::{Cutoffs, DueTouch, ProspectNext};
            use crate::domain::lifecycle::{decide, Action, Change, Context, NewTouch, ProspectState};
            use crate::domain::metrics::History;
            use crate::domain::{
                CadenceId, Money, NewProspect, Prospect, ProspectId, ProspectStatus, RepRef,
                RepSettings, Touch, TouchStatus,
            };
            use crate::domain::team_cadences::TeamCadences;
            use crate::store::rows::{self, PROSPECT_COLUMNS, TOUCH_COLUMNS};
            use crate::store::{
                Activity, AddJob, Added, Applied, Backend, DigestOutcome, DigestRun, Purged, Revocation, Store,
                StoreError, StoreResult, Undone, Workspace,
            };

            type Conn = <$db as sqlx::Database>::Connection;

            const OPEN_STATUSES: &str = "('active', 'paused', 'awaiting', 'replied')";

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
                reader: &sqlx::Pool<$db>,
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
                let rows = query(&sql, team_id, user_id).fetch_all(reader).await?;
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
                let touches = query(&sql, team_id, user_id).fetch_all(reader).await?;
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
                for row in &query(&sql, team_id, user_id).fetch_all(reader).await? {
                    if let Some(&i) = index.get(&row.try_get::<i64, _>("prospect_id")?) {
                        histories[i].1.stages_reached.push(rows::stage(&row.try_get::<String, _>("to_stage")?)?);
                    }
                }
                Ok(histories)
            }

            fn prospect_next_from_row(row: &$row, cadences: &TeamCadences) -> StoreResult<ProspectNext> {
                Ok(ProspectNext {
                    prospect: prospect_from_row(row, cadences)?,
                    next: touch_from_row(row, cadences)?,
                })
            }

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

            /// Gives reps a row in `reps` (with default settings) if they have none, so the digest
            /// finds every rep who owns prospects.
            type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

            /// The INSERT of `n` reps (none already there is written twice), placeholders from `first`.
            fn reps_sql(n: usize, first: usize) -> String {
                format!(
                    "INSERT INTO reps (team_id, user_id, created_at, updated_at) VALUES {} \
                     ON CONFLICT (team_id, user_id) DO NOTHING",
                    placeholders(n, 4, first)
                )
            }

            fn bind_reps<'q>(mut query: Query<'q>, reps: &[(&'q RepRef, DateTime<Utc>)]) -> Query<'q> {
                for (rep, now) in reps {
                    query = query.bind(&rep.team_id).bind(&rep.user_id).bind(*now).bind(*now);
                }
                query
            }

            async fn insert_reps(conn: &mut Conn, reps: &[(&RepRef, DateTime<Utc>)]) -> StoreResult<()> {
                if reps.is_empty() {
                    return Ok(());
                }
                let sql = reps_sql(reps.len(), 1);
                bind_reps(sqlx::query(&sql), reps).execute(&mut *conn).await?;
                Ok(())
            }

            /// An enrolment to write: the prospect's, in `cadence`, starting on the first touch's date.
            struct NewEnrolment<'a> {
                rep: &'a RepRef,
                prospect_id: ProspectId,
                cadence: CadenceId,
                pace: crate::domain::Pace,
                touches: &'a [NewTouch],
                now: DateTime<Utc>,
            }

            /// The INSERT of `n` enrolments, with their ids given (`explicit_ids`) or not.
            fn enrolments_sql(n: usize, first: usize, explicit_ids: bool) -> String {
                let (id, cols) = if explicit_ids { ("id, ", 8) } else { ("", 7) };
                format!(
                    "INSERT INTO enrolments ({id}prospect_id, team_id, user_id, cadence_id, pace, start_on, \
                     started_at) VALUES {}",
                    placeholders(n, cols, first)
                )
            }

            fn bind_enrolments<'q>(mut query: Query<'q>, enrolments: &[NewEnrolment<'q>], ids: Option<&[i64]>) -> Query<'q> {
                for (k, e) in enrolments.iter().enumerate() {
                    if let Some(id) = ids.and_then(|ids| ids.get(k)) {
                        query = query.bind(*id);
                    }
                    let start = e.touches.first().map(|t| t.due_on).unwrap_or(e.now.date_naive());
                    query = query
                        .bind(e.prospect_id)
                        .bind(&e.rep.team_id)
                        .bind(&e.rep.user_id)
                        .bind(e.cadence.as_str())
                        .bind(e.pace.as_str())
                        .bind(start)
                        .bind(e.now);
                }
                query
            }

            /// Writes the enrolments and points each prospect at its own; their ids, in order.
            async fn insert_enrolments(conn: &mut Conn, enrolments: &[NewEnrolment<'_>]) -> StoreResult<Vec<i64>> {
                let sql = format!("{}{}", enrolments_sql(enrolments.len(), 1, false), $returning_id);
                let query = bind_enrolments(sqlx::query(&sql), enrolments, None);
                let ids = $inserted_ids(&mut *conn, query, enrolments.len()).await?;
                let sql = format!(
                    "UPDATE prospects SET enrolment_id = (SELECT MAX(e.id) FROM enrolments e \
                     WHERE e.prospect_id = prospects.id) WHERE id IN {}",
                    placeholders(1, enrolments.len(), 1)
                );
                let mut query = sqlx::query(&sql);
                for e in enrolments {
                    query = query.bind(e.prospect_id);
                }
                query.execute(&mut *conn).await?;
                Ok(ids)
            }

            /// Most touches one multi-row INSERT carries (11 values each, well under both
            /// databases' bind limits).
            const TOUCHES_PER_INSERT: usize = 1000;

            /// The INSERT of `n` planned touches, with their ids given (`explicit_ids`) or not.
            fn touches_sql(n: usize, first: usize, explicit_ids: bool) -> String {
                let (id, cols) = if explicit_ids { ("id, ", 12) } else { ("", 11) };
                format!(
                    "INSERT INTO touches ({id}team_id, user_id, prospect_id, enrolment_id, cadence_id, \
                     step_index, step_count, due_on, original_due_on, cadence_version, variant, \
                     status, snoozes) VALUES {}",
                    placeholders_then(n, cols, first, ", 'pending', 0")
                )
            }

            fn bind_touches<'q>(
                mut query: Query<'q>,
                planned: &[(&'q RepRef, ProspectId, i64, &'q NewTouch)],
                ids: Option<&[i64]>,
            ) -> Query<'q> {
                for (k, (rep, prospect_id, enrolment_id, t)) in planned.iter().enumerate() {
                    if let Some(id) = ids.and_then(|ids| ids.get(k)) {
                        query = query.bind(*id);
                    }
                    query = query
                        .bind(&rep.team_id)
                        .bind(&rep.user_id)
                        .bind(*prospect_id)
                        .bind(*enrolment_id)
                        .bind(t.cadence.as_str())
                        .bind(t.step_index)
                        .bind(t.step_count)
                        .bind(t.due_on)
                        .bind(t.due_on)
                        .bind(t.cadence.version())
                        // Each enrolment takes a step's variants in turn, by its number.
                        .bind(t.cadence.variant_for(t.step_index, *enrolment_id));
                }
                query
            }

            /// Writes planned touches (rep, prospect, enrolment, touch), as few statements as the
            /// bind limit allows; their ids, in order.
            async fn insert_touches(conn: &mut Conn, planned: &[(&RepRef, ProspectId, i64, &NewTouch)]) -> StoreResult<Vec<i64>> {
                let mut ids: Vec<i64> = Vec::with_capacity(planned.len());
                for chunk in planned.chunks(TOUCHES_PER_INSERT) {
                    let sql = format!("{}{}", touches_sql(chunk.len(), 1, false), $returning_id);
                    let query = bind_touches(sqlx::query(&sql), chunk, None);
                    ids.extend($inserted_ids(&mut *conn, query, chunk.len()).await?);
                }
                Ok(ids)
            }

            /// Writes `change`; `false` when the prospect moved on since it was read.
            async fn write_change(
                conn: &mut Conn,
                old: &Prospect,
                change: &Change,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let p = &change.prospect;
                let updated =
                    update_prospect(&mut *conn, p, old.version, p.version, old.enrolment_id, now).await?;
                if !updated {
                    return Ok(false);
                }
                let details_changed = p.name != old.name
                    || p.company != old.company
                    || p.email != old.email
                    || p.phone != old.phone
                    || p.linkedin != old.linkedin
                    || p.lead != old.lead
                    || p.pace != old.pace
                    || p.prefers != old.prefers;
                if details_changed {
                    write_details(&mut *conn, p).await?;
                }
                if p.stage != old.stage {
                    sqlx::query(
                        "INSERT INTO stage_changes (prospect_id, team_id, user_id, from_stage, to_stage, changed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(old.id)
                    .bind(&old.rep.team_id)
                    .bind(&old.rep.user_id)
                    .bind(old.stage.as_str())
                    .bind(p.stage.as_str())
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
                update_touches(&mut *conn, old.id, &change.touches).await?;
                let ends_enrolment = change.new_enrolment.is_some()
                    || (p.status != old.status
                        && matches!(
                            p.status,
                            ProspectStatus::Replied | ProspectStatus::Won | ProspectStatus::Lost | ProspectStatus::Stopped
                        ));
                if ends_enrolment {
                    let reason = match change.new_enrolment {
                        Some(next) => format!("moved to {next}"),
                        None => p.status.to_string(),
                    };
                    sqlx::query(
                        "UPDATE enrolments SET ended_at = $1, end_reason = $2 \
                         WHERE id = $3 AND ended_at IS NULL",
                    )
                    .bind(now)
                    .bind(reason)
                    .bind(old.enrolment_id)
                    .execute(&mut *conn)
                    .await?;
                }
                let enrolment_id = match change.new_enrolment {
                    Some(cadence) => {
                        let enrolment = NewEnrolment {
                            rep: &old.rep,
                            prospect_id: old.id,
                            cadence,
                            pace: p.pace,
                            touches: &change.new_touches,
                            now,
                        };
                        insert_enrolments(&mut *conn, &[enrolment])
                            .await?
                            .first()
                            .copied()
                            .ok_or_else(|| StoreError::Corrupt("an enrolment without an id".into()))?
                    }
                    None => old.enrolment_id,
                };
                let planned: Vec<_> = change.new_touches.iter().map(|t| (&old.rep, old.id, enrolment_id, t)).collect();
                insert_touches(&mut *conn, &planned).await?;
                for extra in &change.extras {
                    sqlx::query(
                        "INSERT INTO touches (team_id, user_id, prospect_id, enrolment_id, cadence_id, step_index, \
                         step_count, due_on, original_due_on, status, snoozes, channel, note, cadence_version) \
                         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7, 'pending', 0, $8, $9, $10)",
                    )
                    .bind(&old.rep.team_id)
                    .bind(&old.rep.user_id)
                    .bind(old.id)
                    .bind(enrolment_id)
                    .bind(p.cadence.as_str())
                    .bind(extra.step_index)
                    .bind(extra.due_on)
                    .bind(extra.channel.map(|c| c.as_str()))
                    .bind(&extra.note)
                    .bind(p.cadence.version())
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(true)
            }

            /// Writes what actions change on a prospect, if it is still at `from_version`; answers
            /// whether it was.
            async fn update_prospect(
                conn: &mut Conn,
                p: &Prospect,
                from_version: i64,
                to_version: i64,
                enrolment_id: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let updated = sqlx::query(
                    "UPDATE prospects SET stage = $1, value_cents = $2, notes = $3, status = $4, \
                     cadence_id = $5, touches_done = $6, first_touch_at = $7, last_contact_at = $8, \
                     last_channel = $9, replied_after_touch = $10, paused_on = $11, closed_at = $12, \
                     close_reason = $13, updated_at = $14, version = $15, replied_at = $16, \
                     enrolment_id = $17, last_note = $18, cadence_version = $23 \
                     WHERE id = $19 AND team_id = $20 AND user_id = $21 AND version = $22",
                )
                .bind(p.stage.as_str())
                .bind(p.value.map(Money::cents))
                .bind(&p.notes)
                .bind(p.status.as_str())
                .bind(p.cadence.as_str())
                .bind(p.touches_done)
                .bind(p.first_touch_at)
                .bind(p.last_contact_at)
                .bind(p.last_channel.map(|c| c.as_str()))
                .bind(p.replied_after_touch)
                .bind(p.paused_on)
                .bind(p.closed_at)
                .bind(&p.close_reason)
                .bind(now)
                .bind(to_version)
                .bind(p.replied_at)
                .bind(enrolment_id)
                .bind(&p.last_note)
                .bind(p.id)
                .bind(&p.rep.team_id)
                .bind(&p.rep.user_id)
                .bind(from_version)
                .bind(p.cadence.version())
                .execute(&mut *conn)
                .await?
                .rows_affected();
                Ok(updated == 1)
            }

            /// Writes each touch's changeable fields (date, status, snoozes, what was logged).
            async fn update_touches(conn: &mut Conn, prospect_id: ProspectId, touches: &[Touch]) -> StoreResult<()> {
                for t in touches {
                    sqlx::query(
                        "UPDATE touches SET due_on = $1, status = $2, snoozes = $3, done_at = $4, \
                         channel = $5, note = $6, outcome = $9, cadence_version = $10, step_count = $11, \
                         variant = $12 WHERE id = $7 AND prospect_id = $8",
                    )
                    .bind(t.due_on)
                    .bind(t.status.as_str())
                    .bind(t.snoozes)
                    .bind(t.done_at)
                    .bind(t.channel.map(|c| c.as_str()))
                    .bind(&t.note)
                    .bind(t.id)
                    .bind(prospect_id)
                    .bind(t.outcome.map(|o| o.as_str()))
                    .bind(t.cadence.version())
                    .bind(t.step_count)
                    .bind(&t.variant)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }

            /// The fields `edit` changes beside those every action writes.
            async fn write_details(conn: &mut Conn, p: &Prospect) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE prospects SET name = $1, name_folded = $2, company = $3, email = $4, phone = $5, \
                     linkedin = $6, lead = $7, pace = $8, prefers = $9 WHERE id = $10",
                )
                .bind(&p.name)
                .bind(rows::fold(&p.name))
                .bind(&p.company)
                .bind(&p.email)
                .bind(&p.phone)
                .bind(&p.linkedin)
                .bind(p.lead.map(|l| l.as_str()))
                .bind(p.pace.as_str())
                .bind(p.prefers.map(|c| c.as_str()))
                .bind(p.id)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Keeps what `change` is about to overwrite, so the rep can take it back; the record's id.
            async fn record_undo(
                conn: &mut Conn,
                before: &ProspectState,
                change: &Change,
                now: DateTime<Utc>,
            ) -> StoreResult<i64> {
                let p = &before.prospect;
                sqlx::query("DELETE FROM undo_log WHERE prospect_id = $1 AND expires_at < $2")
                    .bind(p.id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                let max_touch_id: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(id) FROM touches WHERE prospect_id = $1")
                        .bind(p.id)
                        .fetch_one(&mut *conn)
                        .await?;
                let enrolment = sqlx::query("SELECT ended_at, end_reason FROM enrolments WHERE id = $1")
                    .bind(p.enrolment_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                let (ended_at, end_reason): (Option<DateTime<Utc>>, Option<String>) = match &enrolment {
                    Some(row) => (row.try_get("ended_at")?, row.try_get("end_reason")?),
                    None => (None, None),
                };
                let snapshot = serde_json::to_string(before)
                    .map_err(|e| StoreError::Corrupt(format!("undo snapshot: {e}")))?;
                sqlx::query(
                    "INSERT INTO undo_log (team_id, user_id, prospect_id, version_after, max_touch_id, \
                     enrolment_ended_at, enrolment_end_reason, snapshot, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&p.rep.team_id)
                .bind(&p.rep.user_id)
                .bind(p.id)
                .bind(change.prospect.version)
                .bind(max_touch_id.unwrap_or(0))
                .bind(ended_at)
                .bind(end_reason)
                .bind(snapshot)
                .bind(now)
                .bind(now + chrono::Duration::minutes(crate::store::UNDO_MINUTES))
                .execute(&mut *conn)
                .await?;
                // The writer holds the lock (SQLite) or the row is ours until commit (Postgres).
                let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM undo_log WHERE prospect_id = $1")
                    .bind(p.id)
                    .fetch_one(&mut *conn)
                    .await?;
                id.ok_or_else(|| StoreError::Corrupt("an undo record without an id".into()))
            }

            /// Puts a prospect back as `before` held it: its fields, its touches' fields, and no
            /// touch or enrolment the action created. `false` when it changed again since.
            async fn restore(
                conn: &mut Conn,
                before: &ProspectState,
                version_after: i64,
                max_touch_id: i64,
                enrolment_end: (Option<DateTime<Utc>>, Option<String>),
                undone_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let p = &before.prospect;
                let updated =
                    update_prospect(&mut *conn, p, version_after, version_after + 1, p.enrolment_id, now).await?;
                if !updated {
                    return Ok(false);
                }
                write_details(&mut *conn, p).await?;
                sqlx::query("DELETE FROM stage_changes WHERE prospect_id = $1 AND changed_at >= $2")
                    .bind(p.id)
                    .bind(undone_at)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("DELETE FROM touches WHERE prospect_id = $1 AND id > $2")
                    .bind(p.id)
                    .bind(max_touch_id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("DELETE FROM enrolments WHERE prospect_id = $1 AND id > $2")
                    .bind(p.id)
                    .bind(p.enrolment_id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("UPDATE enrolments SET ended_at = $1, end_reason = $2 WHERE id = $3")
                    .bind(enrolment_end.0)
                    .bind(enrolment_end.1)
                    .bind(p.enrolment_id)
                    .execute(&mut *conn)
                    .await?;
                update_touches(&mut *conn, p.id, &before.touches).await?;
                forget_resources_sent(&mut *conn, p.id, undone_at).await?;
                Ok(true)
            }

            /// Placeholders in generated multi-row statements. SQLite gets plain `?` (bound in
            /// order): sqlx looks each numbered `$N` up by name, a linear search in SQLite, so a
            /// statement with thousands of `$N` spent most of its time there.
            const POSITIONAL: bool = matches!($backend, Backend::Sqlite);

            fn placeholder(out: &mut String, n: usize) {
                if POSITIONAL {
                    out.push('?');
                } else {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
            }

            /// `($1, $2, …), ($k, …)`: `rows` tuples of `cols` placeholders, numbered from `$first`.
            fn placeholders(rows: usize, cols: usize, first: usize) -> String {
                placeholders_then(rows, cols, first, "")
            }

            /// [`placeholders`] with `constants` (SQL literals) closing each tuple.
            fn placeholders_then(rows: usize, cols: usize, first: usize, constants: &str) -> String {
                let mut out = String::with_capacity(rows * cols * 5);
                for r in 0..rows {
                    if r > 0 {
                        out.push_str(", ");
                    }
                    out.push('(');
                    for c in 0..cols {
                        if c > 0 {
                            out.push_str(", ");
                        }
                        placeholder(&mut out, first + r * cols + c);
                    }
                    out.push_str(constants);
                    out.push(')');
                }
                out
            }

            /// Whether `job` names someone `other` (already accepted in this batch) is: the same rules
            /// as the duplicate query below.
            fn same_person(job: &AddJob, other: &AddJob) -> bool {
                if job.rep.team_id != other.rep.team_id {
                    return false;
                }
                let email = |j: &AddJob| j.new.email.as_ref().map(|e| e.as_str().to_lowercase());
                if email(job).is_some() && email(job) == email(other) {
                    return true;
                }
                let company = |j: &AddJob| j.new.company.as_ref().map(|c| c.to_lowercase());
                company(job).is_some()
                    && company(job) == company(other)
                    && rows::fold(job.new.name.as_str()) == rows::fold(other.new.name.as_str())
            }

            /// The INSERT of `n` new prospects, with their ids given (`explicit_ids`) or not.
            fn prospects_sql(n: usize, first: usize, explicit_ids: bool) -> String {
                let (id, cols) = if explicit_ids { ("id, ", 21) } else { ("", 20) };
                format!(
                    "INSERT INTO prospects ({id}team_id, user_id, name, name_folded, email, phone, \
                     phone_e164, linkedin, company, stage, value_cents, lead, pace, notes, status, \
                     cadence_id, enrolled_at, created_at, updated_at, cadence_version) VALUES {}",
                    placeholders(n, cols, first)
                )
            }

            fn bind_prospects<'q>(mut query: Query<'q>, jobs: &'q [AddJob], accepted: &[usize], ids: Option<&[i64]>) -> Query<'q> {
                for (n, &k) in accepted.iter().enumerate() {
                    if let Some(id) = ids.and_then(|ids| ids.get(n)) {
                        query = query.bind(*id);
                    }
                    let (rep, new, now) = (&jobs[k].rep, &jobs[k].new, jobs[k].now);
                    query = query
                        .bind(&rep.team_id)
                        .bind(&rep.user_id)
                        .bind(new.name.as_str())
                        .bind(rows::fold(new.name.as_str()))
                        .bind(new.email.as_ref().map(|e| e.as_str()))
                        .bind(new.phone.as_ref().map(|p| p.as_str()))
                        .bind(new.phone.as_ref().and_then(|p| p.e164()))
                        .bind(&new.linkedin)
                        .bind(&new.company)
                        .bind(new.stage.as_str())
                        .bind(new.value.map(Money::cents))
                        .bind(new.lead.map(|l| l.as_str()))
                        .bind(new.pace.as_str())
                        .bind(&new.notes)
                        .bind("active")
                        .bind(jobs[k].cadence.as_str())
                        .bind(now)
                        .bind(now)
                        .bind(now)
                        .bind(jobs[k].cadence.version());
                }
                query
            }

            fn new_enrolments<'a>(jobs: &'a [AddJob], accepted: &[usize], ids: &[i64]) -> Vec<NewEnrolment<'a>> {
                accepted
                    .iter()
                    .zip(ids)
                    .map(|(&k, &id)| NewEnrolment {
                        rep: &jobs[k].rep,
                        prospect_id: id,
                        cadence: jobs[k].cadence,
                        pace: jobs[k].new.pace,
                        touches: &jobs[k].touches,
                        now: jobs[k].now,
                    })
                    .collect()
            }

            fn planned_touches<'a>(
                jobs: &'a [AddJob],
                accepted: &[usize],
                ids: &[i64],
                enrolment_ids: &[i64],
            ) -> Vec<(&'a RepRef, i64, i64, &'a NewTouch)> {
                let mut planned = Vec::new();
                for ((&k, &id), &enrolment) in accepted.iter().zip(ids).zip(enrolment_ids) {
                    planned.extend(jobs[k].touches.iter().map(|t| (&jobs[k].rep, id, enrolment, t)));
                }
                planned
            }

            /// The highest id SQLite has given in each table a batch writes (AUTOINCREMENT: the
            /// next row gets the one after), read inside the batch's write transaction.
            #[derive(Debug, Clone, Copy)]
            struct LastIds {
                prospect: i64,
                enrolment: i64,
                touch: i64,
            }

            /// Reads [`LastIds`]; the first statement of the duplicate check on SQLite.
            const LAST_IDS_SQL: &str = "SELECT \
                 MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'prospects'), 0), \
                 COALESCE((SELECT MAX(id) FROM prospects), 0)) AS last_prospect, \
                 MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'enrolments'), 0), \
                 COALESCE((SELECT MAX(id) FROM enrolments), 0)) AS last_enrolment, \
                 MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'touches'), 0), \
                 COALESCE((SELECT MAX(id) FROM touches), 0)) AS last_touch";

            /// `n` ids after `last`.
            fn ids_after(last: i64, n: usize) -> Vec<i64> {
                (1..=n as i64).map(|i| last + i).collect()
            }

            /// The rows a batch wrote, with their ids: prospects and their enrolments in the order
            /// of the accepted jobs, the touches in the order of `planned`.
            struct Written<'a> {
                ids: Vec<i64>,
                enrolment_ids: Vec<i64>,
                planned: Vec<(&'a RepRef, i64, i64, &'a NewTouch)>,
                touch_ids: Vec<i64>,
            }

            /// SQLite: the whole batch — reps, prospects, enrolments and their link, touches — and
            /// COMMIT as one multi-statement query with the ids given, so sqlx's worker thread runs
            /// it in one trip instead of one per statement (a lone add paid six trips for them).
            /// The ids are the ones AUTOINCREMENT would have given: the transaction holds the write
            /// lock since it read [`LastIds`].
            async fn write_in_one_trip<'a>(
                conn: &mut Conn,
                jobs: &'a [AddJob],
                accepted: &[usize],
                reps: &[(&'a RepRef, DateTime<Utc>)],
                last: LastIds,
            ) -> StoreResult<Written<'a>> {
                let ids = ids_after(last.prospect, accepted.len());
                let enrolment_ids = ids_after(last.enrolment, accepted.len());
                let enrolments = new_enrolments(jobs, accepted, &ids);
                let planned = planned_touches(jobs, accepted, &ids, &enrolment_ids);
                let touch_ids = ids_after(last.touch, planned.len());
                let mut sql = String::new();
                if !reps.is_empty() {
                    sql.push_str(&reps_sql(reps.len(), 1));
                    sql.push_str(";\n");
                }
                sql.push_str(&prospects_sql(accepted.len(), 1, true));
                sql.push_str(";\n");
                sql.push_str(&enrolments_sql(accepted.len(), 1, true));
                // Prospect k gets enrolment k: both are numbered in the same order.
                sql.push_str(";\nUPDATE prospects SET enrolment_id = id + ? WHERE id >= ? AND id <= ?");
                for chunk in planned.chunks(TOUCHES_PER_INSERT) {
                    sql.push_str(";\n");
                    sql.push_str(&touches_sql(chunk.len(), 1, true));
                }
                sql.push_str(";\nCOMMIT");
                let mut query = bind_reps(sqlx::query(&sql), reps);
                query = bind_prospects(query, jobs, accepted, Some(&ids));
                query = bind_enrolments(query, &enrolments, Some(&enrolment_ids));
                let (first, last_id) = match (ids.first(), ids.last()) {
                    (Some(&f), Some(&l)) => (f, l),
                    _ => return Err(StoreError::Corrupt("a batch of adds with nobody to add".into())),
                };
                query = query.bind(last.enrolment - last.prospect).bind(first).bind(last_id);
                for (chunk, chunk_ids) in planned.chunks(TOUCHES_PER_INSERT).zip(touch_ids.chunks(TOUCHES_PER_INSERT)) {
                    query = bind_touches(query, chunk, Some(chunk_ids));
                }
                let done = query.execute(&mut *conn).await?;
                // Reps may already be there; everything else is written exactly once (an insert
                // with its id given writes its row or fails the statement). Only a note: with
                // COMMIT in the same trip, the rows are in by now.
                let expected = (3 * accepted.len() + planned.len()) as u64;
                if done.rows_affected() < expected {
                    tracing::error!(written = done.rows_affected(), expected, "a batch of adds wrote fewer rows than it carried");
                }
                Ok(Written { ids, enrolment_ids, planned, touch_ids })
            }

            /// Sets one text column of the team's settings row, creating the row; `column` is
            /// one of this file's literals, never input.
            async fn set_team_setting(
                writer: &sqlx::Pool<$db>,
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
                    .execute(writer)
                    .await?;
                Ok(())
            }

            /// A writer connection inside a transaction this code began with SQL (not sqlx's
            /// `Transaction`): if it is dropped still open — the batch's future was abandoned past
            /// its budget, or a rollback failed — the connection is closed, which rolls back.
            struct OpenTransaction(Option<sqlx::pool::PoolConnection<$db>>);

            impl Drop for OpenTransaction {
                fn drop(&mut self) {
                    if let Some(conn) = self.0.take() {
                        drop(conn.detach());
                    }
                }
            }

            /// SQLite: a batch of adds in two trips to sqlx's worker thread — BEGIN, the last ids and
            /// the duplicate check; then every insert and COMMIT — instead of one per statement.
            async fn add_batch_in_two_trips(
                writer: &sqlx::Pool<$db>,
                jobs: &[AddJob],
                known: &std::collections::HashSet<RepRef>,
            ) -> StoreResult<Vec<Added>> {
                let mut open = OpenTransaction(Some(writer.acquire().await?));
                let conn = open
                    .0
                    .as_mut()
                    .ok_or_else(|| StoreError::Corrupt("the writer connection went missing".into()))?;
                let written = add_batch(&mut *conn, jobs, known).await;
                let clean = match &written {
                    Ok(_) => true,
                    Err(_) => sqlx::query("ROLLBACK").execute(&mut **conn).await.is_ok(),
                };
                if clean {
                    // Committed, or rolled back: the connection goes back to the pool as it came.
                    drop(open.0.take());
                }
                written
            }

            /// Writes a batch of adds on `conn`: duplicates (in the database or earlier in the batch)
            /// are answered with what they match; the rest are inserted with a handful of multi-row
            /// statements, whatever the batch size. On Postgres inside the caller's transaction; on
            /// SQLite the batch begins and commits its own, in its two trips
            /// ([`add_batch_in_two_trips`] rolls back on error).
            async fn add_batch(
                conn: &mut Conn,
                jobs: &[AddJob],
                known_reps: &std::collections::HashSet<RepRef>,
            ) -> StoreResult<Vec<Added>> {
                // 1. Who is already in the workspace (by email, or by name at the company).
                let sql = format!(
                    "WITH c (k, team_id, email, name_folded, company) AS (VALUES {values}) \
                     SELECT c.k AS batch_k, {PROSPECT_COLUMNS} FROM c \
                     JOIN prospects p ON p.team_id = c.team_id AND p.email = c.email \
                     UNION \
                     SELECT c.k AS batch_k, {PROSPECT_COLUMNS} FROM c \
                     JOIN prospects p ON c.company IS NOT NULL AND p.team_id = c.team_id \
                     AND p.name_folded = c.name_folded AND LOWER(p.company) = LOWER(c.company)",
                    values = placeholders(jobs.len(), 5, 1)
                );
                // On SQLite the same trip begins the transaction and reads the last ids given, so
                // the inserts can name theirs and go, with COMMIT, in one trip too
                // (`write_in_one_trip`).
                let sql = if POSITIONAL {
                    format!("{};\n{LAST_IDS_SQL};\n{sql}", $begin)
                } else {
                    sql
                };
                let mut query = sqlx::query(&sql);
                for (k, job) in jobs.iter().enumerate() {
                    query = query
                        .bind(k as i64)
                        .bind(&job.rep.team_id)
                        .bind(job.new.email.as_ref().map(|e| e.as_str().to_lowercase()))
                        .bind(rows::fold(job.new.name.as_str()))
                        .bind(job.new.company.clone());
                }
                let mut existing: Vec<Vec<Prospect>> = vec![Vec::new(); jobs.len()];
                // Only shown as "already there": a team cadence reads as its id alone.
                let no_cadences = TeamCadences::default();
                let mut rows = query.fetch_all(&mut *conn).await?.into_iter();
                let last_ids = if POSITIONAL {
                    let row = rows
                        .next()
                        .ok_or_else(|| StoreError::Corrupt("no last ids before a batch of adds".into()))?;
                    Some(LastIds {
                        prospect: row.try_get("last_prospect")?,
                        enrolment: row.try_get("last_enrolment")?,
                        touch: row.try_get("last_touch")?,
                    })
                } else {
                    None
                };
                for row in rows {
                    let k: i64 = row.try_get("batch_k")?;
                    if let Some(found) = usize::try_from(k).ok().and_then(|k| existing.get_mut(k)) {
                        found.push(prospect_from_row(&row, &no_cadences)?);
                    }
                }
                for found in &mut existing {
                    found.sort_by_key(|p| p.id);
                    found.truncate(10);
                }

                // 2. Within the batch, a later job naming an earlier accepted one is a duplicate too.
                let mut accepted: Vec<usize> = Vec::with_capacity(jobs.len());
                let mut twin_of: Vec<Option<usize>> = vec![None; jobs.len()];
                for (k, job) in jobs.iter().enumerate() {
                    if !existing[k].is_empty() {
                        continue;
                    }
                    match accepted.iter().copied().find(|&a| same_person(job, &jobs[a])) {
                        Some(a) => twin_of[k] = Some(a),
                        None => accepted.push(k),
                    }
                }
                let mut states: Vec<Option<ProspectState>> = vec![None; jobs.len()];
                if accepted.is_empty() && POSITIONAL {
                    sqlx::query("COMMIT").execute(&mut *conn).await?;
                }
                if !accepted.is_empty() {
                    let added = insert_batch(&mut *conn, jobs, &accepted, known_reps, last_ids).await?;
                    for (k, state) in accepted.iter().copied().zip(added) {
                        states[k] = Some(state);
                    }
                }
                // A twin is answered with the prospect its first was stored as; read before the
                // answers take the states. Nothing here can fail: on SQLite the batch is
                // committed by now.
                let twins: Vec<Option<Prospect>> = twin_of
                    .iter()
                    .map(|a| a.and_then(|a| states[a].as_ref()).map(|s| s.prospect.clone()))
                    .collect();
                let answers = twins
                    .into_iter()
                    .enumerate()
                    .map(|(k, twin)| match (states[k].take(), twin) {
                        (Some(state), _) => Added::Enrolled(Box::new(state)),
                        (None, Some(twin)) => Added::Duplicate(vec![twin]),
                        (None, None) => Added::Duplicate(std::mem::take(&mut existing[k])),
                    })
                    .collect();
                Ok(answers)
            }

            /// Inserts the `accepted` jobs (reps, prospects, enrolments, touches) and reads them back.
            async fn insert_batch(
                conn: &mut Conn,
                jobs: &[AddJob],
                accepted: &[usize],
                known_reps: &std::collections::HashSet<RepRef>,
                last_ids: Option<LastIds>,
            ) -> StoreResult<Vec<ProspectState>> {
                // Reps not known to have a row, each once (rows in `reps` are never deleted).
                let mut reps: Vec<(&RepRef, DateTime<Utc>)> = Vec::new();
                for &k in accepted {
                    let rep = &jobs[k].rep;
                    if !known_reps.contains(rep) && !reps.iter().any(|(r, _)| *r == rep) {
                        reps.push((rep, jobs[k].now));
                    }
                }
                let Written { ids, enrolment_ids, planned, touch_ids } = match last_ids {
                    Some(last) => write_in_one_trip(&mut *conn, jobs, accepted, &reps, last).await?,
                    None => {
                        insert_reps(&mut *conn, &reps).await?;
                        // Prospects, their ids in VALUES order (see `inserted_ids` of each backend).
                        let sql = format!("{}{}", prospects_sql(accepted.len(), 1, false), $returning_id);
                        let query = bind_prospects(sqlx::query(&sql), jobs, accepted, None);
                        let ids = $inserted_ids(&mut *conn, query, accepted.len()).await?;
                        let enrolments = new_enrolments(jobs, accepted, &ids);
                        let enrolment_ids = insert_enrolments(&mut *conn, &enrolments).await?;
                        let planned = planned_touches(jobs, accepted, &ids, &enrolment_ids);
                        let touch_ids = insert_touches(&mut *conn, &planned).await?;
                        Written { ids, enrolment_ids, planned, touch_ids }
                    }
                };

                // The reply is built from what was just written (no second read): the same values,
                // with the ids the database gave. tests/group_commit.rs holds it to a later read.
                let mut touches = touch_ids.into_iter().zip(&planned);
                let mut states = Vec::with_capacity(ids.len());
                for ((&k, &id), &enrolment_id) in accepted.iter().zip(&ids).zip(&enrolment_ids) {
                    let job = &jobs[k];
                    let prospect = Prospect {
                        id,
                        rep: job.rep.clone(),
                        name: job.new.name.as_str().to_string(),
                        email: job.new.email.as_ref().map(|e| e.as_str().to_string()),
                        phone: job.new.phone.as_ref().map(|p| p.as_str().to_string()),
                        phone_e164: job.new.phone.as_ref().and_then(|p| p.e164()).map(str::to_string),
                        linkedin: job.new.linkedin.clone(),
                        company: job.new.company.clone(),
                        stage: job.new.stage,
                        value: job.new.value,
                        lead: job.new.lead,
                        pace: job.new.pace,
                        notes: job.new.notes.clone(),
                        status: ProspectStatus::Active,
                        cadence: job.cadence,
                        enrolment_id,
                        enrolled_at: job.now,
                        touches_done: 0,
                        first_touch_at: None,
                        last_contact_at: None,
                        last_channel: None,
                        replied_after_touch: None,
                        replied_at: None,
                        paused_on: None,
                        closed_at: None,
                        close_reason: None,
                        created_at: job.now,
                        version: 0,
                        prefers: None,
                        last_note: None,
                    };
                    let planned_touches = touches
                        .by_ref()
                        .take(job.touches.len())
                        .map(|(touch_id, (_, _, _, t))| Touch {
                            id: touch_id,
                            prospect_id: id,
                            enrolment_id,
                            cadence: t.cadence,
                            step_index: t.step_index,
                            step_count: t.step_count,
                            due_on: t.due_on,
                            original_due_on: t.due_on,
                            status: TouchStatus::Pending,
                            snoozes: 0,
                            done_at: None,
                            channel: None,
                            note: None,
                            outcome: None,
                            variant: t.cadence.variant_for(t.step_index, enrolment_id),
                        })
                        .collect();
                    states.push(ProspectState { prospect, touches: planned_touches, newer: None });
                }
                Ok(states)
            }

            impl $store {
                /// The team's cadences, from memory when this process has them (see `cadence_cache`).
                async fn cadences_of(&self, team_id: &str) -> StoreResult<std::sync::Arc<TeamCadences>> {
                    if let Some(cached) = self.cadences.get(team_id) {
                        return Ok(cached);
                    }
                    let loaded = std::sync::Arc::new(load_team_cadences(&self.reader, team_id).await?);
                    self.cadences.put(team_id, loaded.clone());
                    Ok(loaded)
                }

                /// The group-commit writer for adds (see `store::batch`), on the writer pool.
                fn spawn_add_writer(writer: sqlx::Pool<$db>) -> crate::store::batch::Batcher<AddJob, Added> {
                    // Reps whose row this writer has seen committed: no insert for them. Only this
                    // task uses it, one batch at a time.
                    let known_reps = std::sync::Arc::new(tokio::sync::Mutex::new(std::collections::HashSet::new()));
                    crate::store::batch::Batcher::spawn(move |jobs: Vec<AddJob>| {
                        let writer = writer.clone();
                        let known_reps = known_reps.clone();
                        async move {
                            let mut known = known_reps.lock().await;
                            let written = if POSITIONAL {
                                add_batch_in_two_trips(&writer, &jobs, &known).await
                            } else {
                                async {
                                    let mut tx = writer.begin_with($begin).await?;
                                    let added = add_batch(&mut tx, &jobs, &known).await?;
                                    tx.commit().await?;
                                    Ok::<_, StoreError>(added)
                                }
                                .await
                            };
                            if let Ok(added) = &written {
                                if known.len() > 100_000 {
                                    known.clear();
                                }
                                for added in added {
                                    if let Added::Enrolled(state) = added {
                                        known.insert(state.prospect.rep.clone());
                                    }
                                }
                            }
                            match written {
                                Ok(added) => added.into_iter().map(Ok).collect(),
                                Err(e) => {
                                    tracing::warn!(error = %e, jobs = jobs.len(), "a batch of adds failed");
                                    let reason = e.to_string();
                                    let mut first = Some(e);
                                    jobs.iter()
                                        .map(|_| Err(first.take().unwrap_or_else(|| StoreError::Database(reason.clone().into()))))
                                        .collect()
                                }
                            }
                        }
                    })
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                async fn migrate(&self) -> StoreResult<()> {
                    sqlx::migrate!($migrations).run(&self.writer).await?;
                    Ok(())
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&self.reader).await?;
                    Ok(())
                }

                async fn rep_settings(&self, rep: &RepRef) -> StoreResult<Option<RepSettings>> {
                    let sql = format!("SELECT {REP_COLUMNS} FROM reps r WHERE r.team_id = $1 AND r.user_id = $2");
                    let row = sqlx::query(&sql)
                        .bind(&rep.team_id)
                        .bind(&rep.user_id)
                        .fetch_optional(&self.reader)
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
                    .execute(&self.writer)
                    .await?;
                    Ok(())
                }

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
                        .fetch_all(&self.reader)
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
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| prospect_next_from_row(row, &cadences))
                        .collect()
                }

                async fn apply(
                    &self,
                    rep: &RepRef,
                    id: ProspectId,
                    action: &Action,
                    ctx: &Context,
                ) -> StoreResult<Applied> {
                    let cadences = self.cadences_of(&rep.team_id).await?;
                    // A lost race re-reads and decides again; a few rounds settle any double click.
                    for _ in 0..5 {
                        let mut tx = self.writer.begin_with($begin).await?;
                        let state = load_state(&mut tx, rep, id, &cadences).await?.ok_or(StoreError::NotFound(id))?;
                        let change = decide(&state, action, ctx)?;
                        if change.is_noop() {
                            tx.rollback().await?;
                            return Ok(Applied { state, outcome: change.outcome, undo: None });
                        }
                        let undo = record_undo(&mut tx, &state, &change, ctx.now).await?;
                        if !write_change(&mut tx, &state.prospect, &change, ctx.now).await? {
                            tx.rollback().await?;
                            continue;
                        }
                        record_resources_sent(&mut tx, &state, &change, ctx.now).await?;
                        let state = load_state(&mut tx, rep, id, &cadences).await?.ok_or(StoreError::NotFound(id))?;
                        tx.commit().await?;
                        return Ok(Applied { state, outcome: change.outcome, undo: Some(undo) });
                    }
                    Err(StoreError::Conflict)
                }

                async fn due_touches(&self, rep: &RepRef, today: NaiveDate) -> StoreResult<Vec<DueTouch>> {
                    let sql = format!(
                        "SELECT {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM touches t \
                         JOIN prospects p ON p.id = t.prospect_id \
                         WHERE t.team_id = $1 AND t.user_id = $2 AND t.status = 'pending' AND t.due_on <= $3 \
                         ORDER BY t.due_on, t.id"
                    );
                    let cadences = self.cadences_of(&rep.team_id).await?;
                    sqlx::query(&sql)
                        .bind(&rep.team_id)
                        .bind(&rep.user_id)
                        .bind(today)
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| {
                            let touch = touch_from_row(row, &cadences)?
                                .ok_or_else(|| StoreError::Corrupt("due touch without id".into()))?;
                            Ok(DueTouch::new(prospect_from_row(row, &cadences)?, touch))
                        })
                        .collect()
                }

                async fn attention(&self, rep: &RepRef, cutoffs: Cutoffs) -> StoreResult<Vec<ProspectNext>> {
                    let sql = format!(
                        "SELECT {PROSPECT_COLUMNS}, {TOUCH_COLUMNS} FROM prospects p \
                         LEFT JOIN touches t ON t.id = (SELECT n.id FROM touches n WHERE n.prospect_id = p.id \
                         AND n.enrolment_id = p.enrolment_id AND n.status = 'pending' \
                         ORDER BY n.due_on, n.step_index LIMIT 1) \
                         WHERE p.team_id = $1 AND p.user_id = $2 AND p.status IN ('active', 'awaiting', 'replied') \
                         AND (p.status = 'awaiting' \
                         OR (p.status = 'replied' AND COALESCE(p.last_contact_at, p.enrolled_at) < $3) \
                         OR (p.status = 'active' AND p.lead IN ('hot', 'warm') AND p.touches_done = 0 AND p.enrolled_at < $4) \
                         OR (p.status = 'active' AND COALESCE(p.last_contact_at, p.enrolled_at) < $3 \
                         AND p.cadence_id <> 'nurture' AND EXISTS (SELECT 1 FROM touches l WHERE l.prospect_id = p.id \
                         AND l.enrolment_id = p.enrolment_id AND l.status = 'pending' AND l.due_on < $5))) \
                         ORDER BY p.id"
                    );
                    let cadences = self.cadences_of(&rep.team_id).await?;
                    // Only what `due::build` keeps: awaiting; replied and gone quiet; hot and
                    // untouched; active, quiet and late (a planned rest is not stale) — so the
                    // rows grow with what the digest shows, not with the pipeline.
                    sqlx::query(&sql)
                        .bind(&rep.team_id)
                        .bind(&rep.user_id)
                        .bind(cutoffs.stale_before)
                        .bind(cutoffs.hot_enrolled_before)
                        .bind(cutoffs.late_before)
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| prospect_next_from_row(row, &cadences))
                        .collect()
                }

                async fn reps_with_due(&self, until: NaiveDate) -> StoreResult<Vec<RepRef>> {
                    // One index probe per rep: bounded by the number of reps, not of touches.
                    let rows = sqlx::query(
                        "SELECT r.team_id, r.user_id FROM reps r WHERE EXISTS (SELECT 1 FROM touches t \
                         WHERE t.team_id = r.team_id AND t.user_id = r.user_id AND t.status = 'pending' \
                         AND t.due_on <= $1) ORDER BY r.team_id, r.user_id",
                    )
                    .bind(until)
                    .fetch_all(&self.reader)
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

                async fn histories(&self, rep: &RepRef) -> StoreResult<Vec<History>> {
                    Ok(load_histories(&self.reader, &rep.team_id, Some(&rep.user_id))
                        .await?
                        .into_iter()
                        .map(|(_, h)| h)
                        .collect())
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
                        .fetch_all(&self.reader)
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
                    let mut tx = self.writer.begin_with($begin).await?;
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
                    .execute(&self.writer)
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
                    let mut tx = self.writer.begin_with($begin).await?;
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

                async fn save_workspace(&self, w: &Workspace, now: DateTime<Utc>) -> StoreResult<()> {
                    let mut tx = self.writer.begin_with($begin).await?;
                    // Installed again: digests resume and a pending purge is called off.
                    sqlx::query("DELETE FROM workspace_revocations WHERE team_id = $1")
                        .bind(&w.team_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO workspaces (team_id, team_name, bot_user_id, app_id, bot_token_enc, scope, \
                         installed_by, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                         ON CONFLICT (team_id) DO UPDATE SET team_name = excluded.team_name, \
                         bot_user_id = excluded.bot_user_id, app_id = excluded.app_id, \
                         bot_token_enc = excluded.bot_token_enc, scope = excluded.scope, \
                         installed_by = excluded.installed_by, updated_at = excluded.updated_at",
                    )
                    .bind(&w.team_id)
                    .bind(&w.team_name)
                    .bind(&w.bot_user_id)
                    .bind(&w.app_id)
                    .bind(&w.bot_token_enc)
                    .bind(&w.scope)
                    .bind(&w.installed_by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn workspace_token(&self, team_id: &str) -> StoreResult<Option<String>> {
                    Ok(sqlx::query_scalar("SELECT bot_token_enc FROM workspaces WHERE team_id = $1")
                        .bind(team_id)
                        .fetch_optional(&self.reader)
                        .await?)
                }

                async fn delete_workspace(&self, team_id: &str) -> StoreResult<bool> {
                    let deleted = sqlx::query("DELETE FROM workspaces WHERE team_id = $1")
                        .bind(team_id)
                        .execute(&self.writer)
                        .await?
                        .rows_affected();
                    Ok(deleted > 0)
                }

                async fn revoke_workspace(
                    &self,
                    team_id: &str,
                    reason: &str,
                    now: DateTime<Utc>,
                    purge_after: Option<DateTime<Utc>>,
                ) -> StoreResult<bool> {
                    let mut tx = self.writer.begin_with($begin).await?;
                    let known: Option<Option<DateTime<Utc>>> =
                        sqlx::query_scalar("SELECT purged_at FROM workspace_revocations WHERE team_id = $1")
                            .bind(team_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    match known {
                        None => {
                            sqlx::query(
                                "INSERT INTO workspace_revocations (team_id, reason, revoked_at, purge_after) \
                                 VALUES ($1, $2, $3, $4)",
                            )
                            .bind(team_id)
                            .bind(reason)
                            .bind(now)
                            .bind(purge_after)
                            .execute(&mut *tx)
                            .await?;
                        }
                        // An uninstall after the token died sets the purge date and its reason; a
                        // dead token after an uninstall keeps them.
                        Some(_) if purge_after.is_some() => {
                            sqlx::query(
                                "UPDATE workspace_revocations SET reason = $2, \
                                 purge_after = COALESCE(purge_after, $3) WHERE team_id = $1 AND purged_at IS NULL",
                            )
                            .bind(team_id)
                            .bind(reason)
                            .bind(purge_after)
                            .execute(&mut *tx)
                            .await?;
                        }
                        Some(_) => {}
                    }
                    tx.commit().await?;
                    Ok(known.is_none())
                }

                async fn restore_workspace(&self, team_id: &str) -> StoreResult<bool> {
                    let lifted = sqlx::query("DELETE FROM workspace_revocations WHERE team_id = $1 AND purged_at IS NULL")
                        .bind(team_id)
                        .execute(&self.writer)
                        .await?
                        .rows_affected();
                    Ok(lifted > 0)
                }

                async fn workspace_revocation(&self, team_id: &str) -> StoreResult<Option<Revocation>> {
                    let row = sqlx::query(
                        "SELECT reason, revoked_at, purge_after, purged_at FROM workspace_revocations WHERE team_id = $1",
                    )
                    .bind(team_id)
                    .fetch_optional(&self.reader)
                    .await?;
                    row.map(|row| {
                        Ok(Revocation {
                            reason: row.try_get("reason")?,
                            revoked_at: row.try_get("revoked_at")?,
                            purge_after: row.try_get("purge_after")?,
                            purged_at: row.try_get("purged_at")?,
                        })
                    })
                    .transpose()
                }

                async fn revoked_workspaces(&self) -> StoreResult<Vec<String>> {
                    Ok(sqlx::query_scalar(
                        "SELECT team_id FROM workspace_revocations WHERE purged_at IS NULL ORDER BY team_id",
                    )
                    .fetch_all(&self.reader)
                    .await?)
                }

                async fn purge_due(&self, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
                    Ok(sqlx::query_scalar(
                        "SELECT team_id FROM workspace_revocations WHERE purge_after IS NOT NULL \
                         AND purge_after <= $1 AND purged_at IS NULL ORDER BY team_id",
                    )
                    .bind(now)
                    .fetch_all(&self.reader)
                    .await?)
                }

                async fn purge_workspace(&self, team_id: &str, now: DateTime<Utc>) -> StoreResult<Purged> {
                    let mut tx = self.writer.begin_with($begin).await?;
                    let of_prospects = "prospect_id IN (SELECT id FROM prospects WHERE team_id = $1)";
                    for table in ["undo_log", "action_items", "stage_changes"] {
                        sqlx::query(&format!("DELETE FROM {table} WHERE {of_prospects}"))
                            .bind(team_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let touches = sqlx::query(&format!("DELETE FROM touches WHERE {of_prospects}"))
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    sqlx::query(&format!("DELETE FROM enrolments WHERE {of_prospects}"))
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?;
                    let prospects = sqlx::query("DELETE FROM prospects WHERE team_id = $1")
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    for table in ["digest_runs", "managers", "team_holidays", "team_settings", "resources", "team_cadences"] {
                        sqlx::query(&format!("DELETE FROM {table} WHERE team_id = $1"))
                            .bind(team_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let reps = sqlx::query("DELETE FROM reps WHERE team_id = $1")
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    let token = sqlx::query("DELETE FROM workspaces WHERE team_id = $1")
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                        > 0;
                    // What is kept: that the workspace was purged, and when (no personal data).
                    sqlx::query(
                        "INSERT INTO workspace_revocations (team_id, reason, revoked_at, purged_at) \
                         VALUES ($1, 'purged', $2, $2) \
                         ON CONFLICT (team_id) DO UPDATE SET purge_after = NULL, purged_at = excluded.purged_at",
                    )
                    .bind(team_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    self.cadences.forget(team_id);
                    Ok(Purged { prospects, touches, reps, token })
                }

                async fn team_channel(&self, team_id: &str) -> StoreResult<Option<String>> {
                    Ok(sqlx::query_scalar("SELECT team_channel FROM team_settings WHERE team_id = $1")
                        .bind(team_id)
                        .fetch_optional(&self.reader)
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
                    set_team_setting(&self.writer, "team_channel", team_id, channel, by, now).await
                }

                async fn team_zones(&self) -> StoreResult<Vec<(String, Option<String>, i64)>> {
                    let rows = sqlx::query(
                        "SELECT team_id, tz, COUNT(*) AS reps FROM reps GROUP BY team_id, tz ORDER BY team_id, tz",
                    )
                    .fetch_all(&self.reader)
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
                        .fetch_all(&self.reader)
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
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| prospect_from_row(row, &cadences))
                        .collect()
                }

                async fn managers(&self, team_id: &str) -> StoreResult<Vec<String>> {
                    Ok(sqlx::query_scalar("SELECT user_id FROM managers WHERE team_id = $1 ORDER BY user_id")
                        .bind(team_id)
                        .fetch_all(&self.reader)
                        .await?)
                }

                async fn set_managers(&self, team_id: &str, users: &[String], by: &str, now: DateTime<Utc>) -> StoreResult<()> {
                    let mut tx = self.writer.begin_with($begin).await?;
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

                async fn team_histories(&self, team_id: &str) -> StoreResult<Vec<(String, History)>> {
                    load_histories(&self.reader, team_id, None).await
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
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| {
                            let touch = touch_from_row(row, &cadences)?
                                .ok_or_else(|| StoreError::Corrupt("pending touch without id".into()))?;
                            Ok(DueTouch::new(prospect_from_row(row, &cadences)?, touch))
                        })
                        .collect()
                }

                async fn move_touches(&self, rep: &RepRef, moves: &[(crate::domain::TouchId, NaiveDate)]) -> StoreResult<()> {
                    let mut tx = self.writer.begin_with($begin).await?;
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

                async fn reassign(&self, team_id: &str, id: ProspectId, from: &str, to: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                    let mut tx = self.writer.begin_with($begin).await?;
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

                async fn all_reps(&self) -> StoreResult<Vec<RepRef>> {
                    let rows = sqlx::query("SELECT team_id, user_id FROM reps ORDER BY team_id, user_id")
                        .fetch_all(&self.reader)
                        .await?;
                    rows.iter()
                        .map(|row| Ok(RepRef::new(row.try_get::<String, _>("team_id")?, row.try_get::<String, _>("user_id")?)))
                        .collect()
                }

                async fn prospect_owner(&self, team_id: &str, id: ProspectId) -> StoreResult<Option<String>> {
                    Ok(sqlx::query_scalar("SELECT user_id FROM prospects WHERE team_id = $1 AND id = $2")
                        .bind(team_id)
                        .bind(id)
                        .fetch_optional(&self.reader)
                        .await?)
                }

                async fn team_overdue(&self, team_id: &str, today: NaiveDate) -> StoreResult<Vec<(String, i64)>> {
                    let rows = sqlx::query(
                        "SELECT user_id, COUNT(*) AS overdue FROM touches WHERE team_id = $1 AND status = 'pending' \
                         AND due_on < $2 GROUP BY user_id ORDER BY COUNT(*) DESC, user_id",
                    )
                    .bind(team_id)
                    .bind(today)
                    .fetch_all(&self.reader)
                    .await?;
                    rows.iter()
                        .map(|row| Ok((row.try_get::<String, _>("user_id")?, row.try_get::<i64, _>("overdue")?)))
                        .collect()
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
                    .fetch_one(&self.reader)
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
                    .fetch_one(&self.reader)
                    .await?;
                    Ok(Activity {
                        touches_done,
                        replies: row.try_get("replies")?,
                        won: row.try_get("won")?,
                        won_value_cents: row.try_get("won_value")?,
                        added: row.try_get("added")?,
                    })
                }

                async fn undo(&self, rep: &RepRef, undo_id: i64, now: DateTime<Utc>) -> StoreResult<Undone> {
                    let cadences = self.cadences_of(&rep.team_id).await?;
                    let mut tx = self.writer.begin_with($begin).await?;
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
                    .execute(&self.writer)
                    .await?;
                    Ok(())
                }

                async fn add_items(
                    &self,
                    rep: &RepRef,
                    prospect: ProspectId,
                    items: &[crate::domain::items::NewItem],
                    now: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    let mut tx = self.writer.begin_with($begin).await?;
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
                        "SELECT i.id, i.prospect_id, p.name, i.mine, i.text, i.due_on, i.done_at \
                         FROM action_items i JOIN prospects p ON p.id = i.prospect_id \
                         WHERE i.team_id = $1 AND i.user_id = $2 AND i.done_at IS NULL {only} \
                         ORDER BY CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END, i.due_on, i.id"
                    );
                    let mut query = sqlx::query(&sql).bind(&rep.team_id).bind(&rep.user_id);
                    if let Some(p) = prospect {
                        query = query.bind(p);
                    }
                    query
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| {
                            Ok(crate::domain::items::ActionItem {
                                id: row.try_get("id")?,
                                prospect_id: row.try_get("prospect_id")?,
                                prospect_name: row.try_get("name")?,
                                mine: row.try_get("mine")?,
                                text: row.try_get("text")?,
                                due_on: row.try_get("due_on")?,
                                done_at: row.try_get("done_at")?,
                            })
                        })
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
                    .execute(&self.writer)
                    .await?
                    .rows_affected();
                    Ok(done == 1)
                }

                async fn team_holidays(&self, team_id: &str) -> StoreResult<Vec<NaiveDate>> {
                    Ok(sqlx::query_scalar("SELECT day FROM team_holidays WHERE team_id = $1 ORDER BY day")
                        .bind(team_id)
                        .fetch_all(&self.reader)
                        .await?)
                }

                async fn set_team_holidays(&self, team_id: &str, days: &[NaiveDate]) -> StoreResult<()> {
                    let mut tx = self.writer.begin_with($begin).await?;
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
                        .fetch_all(&self.reader)
                        .await?
                        .iter()
                        .map(|row| Ok((row.try_get("team_id")?, row.try_get("day")?)))
                        .collect()
                }

                async fn digest_run(&self, rep: &RepRef, local_date: NaiveDate) -> StoreResult<Option<DigestRun>> {
                    let row = sqlx::query(
                        "SELECT status, attempts, sent_at, channel_id, message_ts, last_error FROM digest_runs \
                         WHERE team_id = $1 AND user_id = $2 AND local_date = $3",
                    )
                    .bind(&rep.team_id)
                    .bind(&rep.user_id)
                    .bind(local_date)
                    .fetch_optional(&self.reader)
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
                    let mut tx = self.writer.begin_with($begin).await?;
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
                    set_team_setting(&self.writer, "default_cadence", team_id, cadence, by, now).await?;
                    self.cadences.forget(team_id);
                    Ok(())
                }

                async fn claim_oauth_state(&self, nonce: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                    sqlx::query("DELETE FROM oauth_states WHERE used_at < $1")
                        .bind(now - chrono::Duration::days(1))
                        .execute(&self.writer)
                        .await?;
                    let claimed = sqlx::query(
                        "INSERT INTO oauth_states (nonce, used_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
                    )
                    .bind(nonce)
                    .bind(now)
                    .execute(&self.writer)
                    .await?
                    .rows_affected();
                    Ok(claimed == 1)
                }
            }
        };
    };
}

pub(crate) use sql_store;
