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
}

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(2))
            // Batched adds prepare one text per batch size: keep them all.
            .connect_with(PgConnectOptions::from_str(url)?.statement_cache_capacity(1024))
            .await?;
        Ok(Self {
            reader: pool.clone(),
            adds: Self::spawn_add_writer(pool.clone()),
            writer: pool,
        })
    }
}

super::sql::sql_store!(
    PgStore,
    sqlx::Postgres,
    sqlx::postgres::PgRow,
    crate::store::Backend::Postgres,
    "BEGIN",
    "migrations/postgres"
);
