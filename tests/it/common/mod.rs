//! Test support: a fresh database per test, on SQLite or Postgres, and fixed instants.
#![allow(dead_code)]

#[macro_use]
pub mod app;
pub mod fake_slack;
pub mod slack_requests;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use followup::store::{self, Store};
use sqlx::Connection;

/// The Postgres server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("FOLLOWUP_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// Set by the test script on a machine without Postgres: the Postgres half is skipped, loudly.
fn postgres_skipped() -> bool {
    std::env::var("FOLLOWUP_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// A migrated database that lives as long as the test.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("followup.db").display());
        let store = store::connect(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    /// A new, empty Postgres database; `None` only when the test script said to skip Postgres.
    pub async fn postgres() -> Option<TestDb> {
        if postgres_skipped() {
            eprintln!("SKIPPED: Postgres half (FOLLOWUP_SKIP_POSTGRES=1)");
            return None;
        }
        let admin = postgres_admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "Postgres is not reachable at {admin}: {e}. Start it, set FOLLOWUP_TEST_POSTGRES_URL, \
                 or run ./scripts/test, which skips the Postgres half when there is no server"
            )
        });
        let name = format!(
            "followup_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros()
        );
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = match admin.rfind('/') {
            Some(slash) => format!("{}/{}", &admin[..slash], name),
            None => panic!("FOLLOWUP_TEST_POSTGRES_URL has no database part: {admin}"),
        };
        let store = store::connect(&url).await.expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb {
            store,
            url,
            _dir: None,
            pg_name: Some(name),
        })
    }

    /// Drops a Postgres test database (SQLite files go with their directory).
    pub async fn finish(self) {
        let TestDb { store, pg_name, .. } = self;
        drop(store);
        if let Some(name) = pg_name {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// Runs each test body once on a fresh SQLite file and once on a fresh Postgres database.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($store:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn body($store: std::sync::Arc<dyn followup::store::Store>) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::common::TestDb::sqlite().await;
                    body(db.store.clone()).await;
                    db.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    body(db.store.clone()).await;
                    db.finish().await;
                }
            }
        )*
    };
}

/// Every prospect a rep has, with its touches, as the database holds them.
pub async fn holdings(
    store: &Arc<dyn Store>,
    rep: &followup::domain::RepRef,
) -> Vec<followup::domain::ProspectState> {
    let mut states = Vec::new();
    for p in store
        .find_prospects(rep, "", false, 1_000_000)
        .await
        .expect("find prospects")
    {
        states.push(
            store
                .prospect_state(rep, p.id)
                .await
                .expect("prospect state")
                .expect("the prospect just listed exists"),
        );
    }
    states
}

/// An instant in UTC.
pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid instant")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// SQLite's `EXPLAIN QUERY PLAN` of `sql`, one step a line.
pub async fn sqlite_plan(url: &str, sql: &str) -> String {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
    sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(&mut conn)
        .await
        .expect("explain")
        .iter()
        .map(|r| r.try_get::<String, _>("detail").unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the `followup` binary in `dir` with nothing in its environment but `DATABASE_URL`.
pub fn followup(dir: &std::path::Path, db_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", db_url)
        .current_dir(dir)
        .output()
        .expect("run followup")
}
