//! Postgres: for teams running several replicas against one database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use super::StoreResult;

pub struct PgStore {
    reader: PgPool,
    writer: PgPool,
    adds: super::batch::Batcher<super::AddJob, super::Added>,
    cadences: super::cadence_cache::CadenceCache,
}

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        // Batched adds prepare one text per batch size: keep them all.
        let options = PgConnectOptions::from_str(url)?.statement_cache_capacity(1024);
        let pool = |size: u32| {
            PgPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(2))
                // No round trip to check a connection before each query (it doubled the trips
                // of every read): a connection broken by a restart fails its query, is closed by
                // sqlx, and the next request gets a fresh one (tests/it/faults.rs takes Postgres
                // away and back).
                .test_before_acquire(false)
        };
        let shared = pool(10).connect_with(options.clone()).await?;
        // The group-commit writer has a connection of its own: its statements (one text per
        // batch size) stay prepared on it, instead of being prepared again on whichever of the
        // shared connections it is handed — a parse and plan of a statement with hundreds of
        // parameters, in the middle of a batch that 32 callers wait on.
        let batch_writer = pool(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(Self {
            reader: shared.clone(),
            adds: Self::spawn_add_writer(batch_writer),
            writer: shared,
            cadences: Default::default(),
        })
    }
}

/// The ids of the `n` rows one multi-row `INSERT … RETURNING id` just wrote, in VALUES order:
/// one statement inserts its rows in order, so the ids ascend in it.
async fn inserted_ids(
    conn: &mut sqlx::PgConnection,
    insert: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    n: usize,
) -> StoreResult<Vec<i64>> {
    use sqlx::Row;
    let mut ids = insert
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    if ids.len() != n {
        return Err(super::StoreError::Corrupt(format!(
            "{n} rows inserted, {} ids returned",
            ids.len()
        )));
    }
    Ok(ids)
}

super::sql::sql_store!(
    PgStore,
    sqlx::Postgres,
    sqlx::postgres::PgRow,
    PgPool,
    sqlx::pool::PoolConnection<sqlx::Postgres>,
    crate::store::Backend::Postgres,
    "BEGIN",
    "migrations/postgres",
    inserted_ids,
    " RETURNING id"
);
