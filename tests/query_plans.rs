//! The hot queries use their indexes, so they stay cheap at a million prospects.

mod common;

use sqlx::{Connection, Row};

async fn sqlite_plan(url: &str, sql: &str) -> String {
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

#[tokio::test]
async fn what_is_due_for_a_rep_reads_only_pending_touches_through_an_index() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT t.id FROM touches t JOIN prospects p ON p.id = t.prospect_id \
         WHERE t.team_id = 'T' AND t.user_id = 'U' AND t.status = 'pending' AND t.due_on <= '2026-11-02'",
    )
    .await;
    assert!(plan.contains("touches_rep_pending"), "plan was:\n{plan}");
    assert!(!plan.contains("SCAN t"), "plan was:\n{plan}");
}

#[tokio::test]
async fn which_reps_have_anything_due_probes_the_pending_index_once_per_rep() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.team_id, r.user_id FROM reps r WHERE EXISTS (SELECT 1 FROM touches t \
         WHERE t.team_id = r.team_id AND t.user_id = r.user_id AND t.status = 'pending' \
         AND t.due_on <= '2026-11-02') ORDER BY r.team_id, r.user_id",
    )
    .await;
    assert!(
        plan.contains("SEARCH t USING COVERING INDEX touches_rep_pending"),
        "plan was:\n{plan}"
    );
    assert!(!plan.contains("SCAN t"), "plan was:\n{plan}");
}
