//! SQLite: the embedded default. One writer connection (writes never fight over the lock),
//! a few readers beside it in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use super::sqlite_connections::Connections;
use super::StoreResult;

pub struct SqliteStore {
    reader: Connections,
    writer: Connections,
    adds: super::batch::Batcher<super::AddJob, super::Added>,
    cadences: super::cadence_cache::CadenceCache,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // 16 MiB of page cache a connection (SQLite's default is 2 MiB): the pages a burst
            // of adds or lists touches stay in it instead of being read again through the
            // kernel. Five connections, so at most 80 MiB.
            .pragma("cache_size", "-16384");
        // Not sqlx's pool: it pings a connection on every release, one more trip to sqlx's
        // worker thread per query, which a local file does not need (`sqlite_connections`).
        // Batched adds prepare one text per batch size: the writer keeps them all.
        let writer = Connections::open(options.clone().statement_cache_capacity(1024), 1).await?;
        let reader = Connections::open(options, 4).await?;
        let adds = Self::spawn_add_writer(writer.clone());
        Ok(Self {
            reader,
            writer,
            adds,
            cadences: Default::default(),
        })
    }
}

/// The ids of the `n` rows one multi-row INSERT just wrote, in VALUES order. SQLite numbers
/// them consecutively (the statement holds the write lock; AUTOINCREMENT takes the next number
/// for each row), so the last one tells them all — where `RETURNING id` would send each id back
/// from sqlx's worker thread as a message of its own.
async fn inserted_ids<'q>(
    conn: &mut sqlx::SqliteConnection,
    insert: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    n: usize,
) -> StoreResult<Vec<i64>> {
    let done = insert.execute(&mut *conn).await?;
    let rows =
        i64::try_from(n).map_err(|_| super::StoreError::Corrupt("batch too large".into()))?;
    if done.rows_affected() != n as u64 {
        return Err(super::StoreError::Corrupt(format!(
            "{n} rows inserted, {} written",
            done.rows_affected()
        )));
    }
    let last = done.last_insert_rowid();
    Ok((last - rows + 1..=last).collect())
}

super::sql::sql_store!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::sqlite::SqliteRow,
    Connections,
    super::sqlite_connections::Lease,
    crate::store::Backend::Sqlite,
    "BEGIN IMMEDIATE",
    "migrations/sqlite",
    inserted_ids,
    ""
);
