//! Multi-row INSERTs of reps, enrolments and touches, shared by the adds (`adds`), the actions
//! that plan new touches or a new enrolment (`actions`) and a reassignment (`teams`); and the
//! placeholders every generated multi-row statement is built from.

/// The inserts for one backend; expanded inside `sql_store!`, where `Conn`, `Query` and the
/// row types are in scope.
macro_rules! insert_sql {
    ($backend:expr, $inserted_ids:path, $returning_id:literal) => {
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

        /// Gives reps a row in `reps` (with default settings) if they have none, so the digest
        /// finds every rep who owns prospects.
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
    };
}

pub(crate) use insert_sql;
