//! The digest pass costs what is due, not what happened: every query it runs per rep reaches
//! touches only through an index that leaves past touches out (pending only, the current
//! enrolment only, or last week's done ones), so ten times the history reads no more rows.
//! The SQL below is the store's, with literals for its parameters.

use crate::common;

use common::sqlite_plan;

/// No step of the plan walks the whole touches table.
fn reads_no_touch_table_scan(plan: &str) {
    for line in plan.lines() {
        assert!(
            !(line.contains("SCAN t") || line.contains("SCAN touches") || line.contains("SCAN l")),
            "a scan of touches grows with the history; plan was:\n{plan}"
        );
    }
}

/// The reps a chunk of the pass reads at once, each with its local date, as the store names them.
const TWO_REPS: &str = "WITH r (k, team_id, user_id, today) AS \
     (VALUES (0, 'T', 'U', '2026-11-24'), (1, 'T', 'V', '2026-11-23')) ";

/// The same reps for the reads that need no date.
const TWO_REPS_UNDATED: &str =
    "WITH r (k, team_id, user_id) AS (VALUES (0, 'T', 'U'), (1, 'T', 'V')) ";

#[tokio::test]
async fn a_chunk_of_reps_due_touches_come_from_the_pending_index_alone() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        &format!(
            "{TWO_REPS}SELECT r.k AS batch_k, t.id FROM r \
             JOIN touches t ON t.team_id = r.team_id AND t.user_id = r.user_id \
             AND t.status = 'pending' AND t.due_on <= r.today \
             JOIN prospects p ON p.id = t.prospect_id"
        ),
    )
    .await;
    assert!(
        plan.contains("touches_rep_pending (team_id=? AND user_id=? AND due_on<?)"),
        "plan was:\n{plan}"
    );
    assert!(
        plan.contains("SEARCH p USING INTEGER PRIMARY KEY"),
        "plan was:\n{plan}"
    );
    reads_no_touch_table_scan(&plan);
}

#[tokio::test]
async fn a_chunk_of_reps_open_promises_come_from_the_open_items_index() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        &format!(
            "{TWO_REPS_UNDATED}SELECT r.k AS batch_k, i.id, p.name FROM r \
             JOIN action_items i ON i.team_id = r.team_id AND i.user_id = r.user_id \
             AND i.done_at IS NULL \
             JOIN prospects p ON p.id = i.prospect_id"
        ),
    )
    .await;
    assert!(
        plan.contains("action_items_rep_open (team_id=? AND user_id=?)"),
        "plan was:\n{plan}"
    );
    assert!(!plan.contains("SCAN i"), "plan was:\n{plan}");
}

#[tokio::test]
async fn what_needs_attention_in_a_chunk_reads_only_the_current_enrolments_touches() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        &format!("{TWO_REPS_UNDATED}SELECT r.k AS batch_k, p.id, t.id FROM r \
         JOIN prospects p ON p.team_id = r.team_id AND p.user_id = r.user_id \
         AND p.status IN ('active', 'awaiting', 'replied') \
         LEFT JOIN touches t ON t.id = (SELECT n.id FROM touches n WHERE n.prospect_id = p.id \
         AND n.enrolment_id = p.enrolment_id AND n.status = 'pending' ORDER BY n.due_on, n.step_index LIMIT 1) \
         WHERE (p.status = 'awaiting' \
         OR (p.status = 'replied' AND COALESCE(p.last_contact_at, p.enrolled_at) < '2026-11-03') \
         OR (p.status = 'active' AND p.lead IN ('hot', 'warm') AND p.touches_done = 0 AND p.enrolled_at < '2026-11-23') \
         OR (p.status = 'active' AND COALESCE(p.last_contact_at, p.enrolled_at) < '2026-11-03' \
         AND p.cadence_id <> 'nurture' AND EXISTS (SELECT 1 FROM touches l WHERE l.prospect_id = p.id \
         AND l.enrolment_id = p.enrolment_id AND l.status = 'pending' AND l.due_on < '2026-11-25')))"),
    )
    .await;
    assert!(
        plan.contains("prospects_rep_status (team_id=? AND user_id=? AND status=?)"),
        "plan was:\n{plan}"
    );
    // Both touch lookups name the prospect's current enrolment: earlier ones are never read.
    assert_eq!(
        plan.matches("touches_prospect (prospect_id=? AND enrolment_id=?)")
            .count(),
        2,
        "plan was:\n{plan}"
    );
    reads_no_touch_table_scan(&plan);
}

#[tokio::test]
async fn mondays_numbers_read_only_last_weeks_done_touches() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT COUNT(*) FROM touches WHERE team_id = 'T' AND user_id = 'U' AND status = 'done' \
         AND done_at >= '2026-11-16T00:00:00+00:00' AND done_at < '2026-11-23T00:00:00+00:00'",
    )
    .await;
    assert!(
        plan.contains("touches_rep_done (team_id=? AND user_id=? AND done_at>? AND done_at<?)"),
        "plan was:\n{plan}"
    );
    reads_no_touch_table_scan(&plan);
}

#[tokio::test]
async fn the_reps_with_a_digest_are_found_by_one_pending_probe_each() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.team_id, r.user_id FROM reps r WHERE r.unreachable_since IS NULL AND EXISTS \
         (SELECT 1 FROM touches t WHERE t.team_id = r.team_id AND t.user_id = r.user_id \
         AND t.status = 'pending' AND t.due_on <= '2026-11-25') ORDER BY r.team_id, r.user_id",
    )
    .await;
    assert!(
        plan.contains("SEARCH t USING COVERING INDEX touches_rep_pending"),
        "plan was:\n{plan}"
    );
    reads_no_touch_table_scan(&plan);
}

#[tokio::test]
async fn on_monday_the_reps_with_anything_done_last_week_are_found_through_indexes() {
    let db = common::TestDb::sqlite().await;
    // The shape `digest_candidates` sends on a Monday (src/store/sql/digests.rs).
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.team_id, r.user_id FROM reps r WHERE r.unreachable_since IS NULL AND (EXISTS \
         (SELECT 1 FROM touches t WHERE t.team_id = r.team_id AND t.user_id = r.user_id \
         AND t.status = 'pending' AND t.due_on <= '2026-11-10') \
         OR EXISTS (SELECT 1 FROM touches d WHERE d.team_id = r.team_id AND d.user_id = r.user_id \
         AND d.status = 'done' AND d.done_at >= '2026-10-31T13:00:00+00:00') \
         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
         AND p.created_at >= '2026-10-31T13:00:00+00:00') \
         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
         AND p.replied_at >= '2026-10-31T13:00:00+00:00') \
         OR EXISTS (SELECT 1 FROM prospects p WHERE p.team_id = r.team_id AND p.user_id = r.user_id \
         AND p.closed_at >= '2026-10-31T13:00:00+00:00')) \
         ORDER BY r.team_id, r.user_id",
    )
    .await;
    for index in [
        "touches_rep_pending (team_id=? AND user_id=? AND due_on<?)",
        "touches_rep_done (team_id=? AND user_id=? AND done_at>?)",
        "prospects_rep_created (team_id=? AND user_id=? AND created_at>?)",
        "prospects_rep_replied (team_id=? AND user_id=? AND replied_at>?)",
        "prospects_rep_closed (team_id=? AND user_id=? AND closed_at>?)",
    ] {
        assert!(plan.contains(index), "no `{index}`; plan was:\n{plan}");
    }
    reads_no_touch_table_scan(&plan);
    assert!(!plan.contains("SCAN p"), "plan was:\n{plan}");
}
