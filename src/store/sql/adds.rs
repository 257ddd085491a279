//! The group commit's writes (see `store::batch`): a batch of adds checked for duplicates — in
//! the database and within the batch — and the rest inserted with a handful of multi-row
//! statements; on SQLite in two trips to sqlx's worker thread. `Prospects::add_prospect` queues
//! its add for the writer task `spawn_add_writer` starts.

/// The adds' SQL for one backend; expanded inside `sql_store!`.
macro_rules! add_sql {
    ($store:ident, $db:ty, $begin:literal, $inserted_ids:path, $returning_id:literal) => {
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

        /// A writer connection inside a transaction this code began with SQL (not sqlx's
        /// `Transaction`): if it is dropped still open — the batch's future was abandoned past
        /// its budget, or a rollback failed — the connection is closed, which rolls back.
        struct OpenTransaction(Option<Lease>);

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
            writer: &Pool,
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
                // Committed, or rolled back: the connection is given back as it came.
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
            // with the ids the database gave. tests/it/group_commit.rs holds it to a later read.
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
            /// The group-commit writer for adds (see `store::batch`), on the writer connections.
            fn spawn_add_writer(writer: Pool) -> crate::store::batch::Batcher<AddJob, Added> {
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
                                let mut lease = writer.acquire().await?;
                                let mut tx = lease.begin_with($begin).await?;
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
    };
}

pub(crate) use add_sql;
