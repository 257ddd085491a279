//! Postgres: for teams running several replicas against one database.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use super::StoreResult;

pub struct PgStore {
    reader: PgPool,
    writer: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(2))
            .connect(url)
            .await?;
        Ok(Self {
            reader: pool.clone(),
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
