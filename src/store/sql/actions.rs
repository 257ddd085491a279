//! What an action on a prospect writes, in the action's transaction: the change itself (the
//! prospect, its touches, a new enrolment, its stage history), the undo record that keeps what
//! the change overwrites, and the restore that takes it back.

/// The actions' writes; expanded inside `sql_store!`, where `Conn` and the inserts are in scope.
macro_rules! action_sql {
    () => {
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
    };
}

pub(crate) use action_sql;
