//! The SQL of a team's own cadences, for both backends (stamped out inside `sql_store!`, whose
//! `Conn`, `Row` and error types it uses): loading every version, and an import that adds a
//! version of each changed cadence and retires the ones a file leaves out, in one transaction.

macro_rules! cadence_sql {
    ($db:ty) => {
        /// Every stored version of the team's cadences, and its default cadence.
        async fn load_team_cadences(
            reader: &mut Conn,
            team_id: &str,
        ) -> StoreResult<TeamCadences> {
            let rows = sqlx::query(
                "SELECT cadence_id, version, position, definition, retired_at FROM team_cadences \
                 WHERE team_id = $1",
            )
            .bind(team_id)
            .fetch_all(&mut *reader)
            .await?;
            let mut stored = Vec::with_capacity(rows.len());
            for row in &rows {
                stored.push(crate::domain::team_cadences::StoredCadence {
                    id: row.try_get("cadence_id")?,
                    version: row.try_get("version")?,
                    position: row.try_get("position")?,
                    definition: row.try_get("definition")?,
                    retired: row.try_get::<Option<DateTime<Utc>>, _>("retired_at")?.is_some(),
                });
            }
            let default: Option<String> =
                sqlx::query_scalar("SELECT default_cadence FROM team_settings WHERE team_id = $1")
                    .bind(team_id)
                    .fetch_optional(&mut *reader)
                    .await?
                    .flatten();
            Ok(TeamCadences::new(&stored, default.as_deref()))
        }

        /// Writes an import: a new version of each cadence whose definition changed (or that
        /// is new, or comes back after a removal), the unchanged ones reordered as the file
        /// lists them, and every current cadence the file leaves out retired.
        async fn import_team_cadences(
            conn: &mut Conn,
            team_id: &str,
            defs: &[crate::domain::cadence_file::CadenceDef],
            by: &str,
            now: DateTime<Utc>,
        ) -> StoreResult<crate::store::CadenceImport> {
            let rows = sqlx::query(
                "SELECT cadence_id, version, definition, retired_at FROM team_cadences c \
                 WHERE team_id = $1 AND version = (SELECT MAX(n.version) FROM team_cadences n \
                 WHERE n.team_id = c.team_id AND n.cadence_id = c.cadence_id)",
            )
            .bind(team_id)
            .fetch_all(&mut *conn)
            .await?;
            // id → (newest version, its definition, retired)
            let mut newest: Vec<(String, i64, String, bool)> = Vec::with_capacity(rows.len());
            for row in &rows {
                newest.push((
                    row.try_get("cadence_id")?,
                    row.try_get("version")?,
                    row.try_get("definition")?,
                    row.try_get::<Option<DateTime<Utc>>, _>("retired_at")?.is_some(),
                ));
            }
            let mut done = crate::store::CadenceImport::default();
            for (position, def) in defs.iter().enumerate() {
                let canonical = def.canonical();
                let position = position as i64;
                let known = newest.iter().find(|(id, ..)| *id == def.id);
                match known {
                    Some((_, version, definition, false)) if *definition == canonical => {
                        sqlx::query(
                            "UPDATE team_cadences SET position = $1 \
                             WHERE team_id = $2 AND cadence_id = $3 AND version = $4",
                        )
                        .bind(position)
                        .bind(team_id)
                        .bind(&def.id)
                        .bind(*version)
                        .execute(&mut *conn)
                        .await?;
                        done.unchanged.push(def.id.clone());
                        continue;
                    }
                    Some(_) => done.changed.push(def.id.clone()),
                    None => done.added.push(def.id.clone()),
                }
                let version = known.map_or(1, |(_, v, ..)| v + 1);
                sqlx::query(
                    "INSERT INTO team_cadences (team_id, cadence_id, version, position, definition, \
                     imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(team_id)
                .bind(&def.id)
                .bind(version)
                .bind(position)
                .bind(&canonical)
                .bind(by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            for (id, version, _, retired) in &newest {
                if *retired || defs.iter().any(|d| d.id == *id) {
                    continue;
                }
                sqlx::query(
                    "UPDATE team_cadences SET retired_at = $1 \
                     WHERE team_id = $2 AND cadence_id = $3 AND version = $4",
                )
                .bind(now)
                .bind(team_id)
                .bind(id)
                .bind(*version)
                .execute(&mut *conn)
                .await?;
                done.retired.push(id.clone());
            }
            Ok(done)
        }
    };
}

pub(crate) use cadence_sql;
