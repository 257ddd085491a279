//! The hot queries use their indexes, so they stay cheap at a million prospects.

use crate::common;

use common::sqlite_plan;

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

#[tokio::test]
async fn the_duplicate_check_of_a_batch_of_adds_looks_each_one_up_by_email_and_by_name_at_company()
{
    let db = common::TestDb::sqlite().await;
    // The shape `add_batch` sends (src/store/sql/adds.rs), for two adds.
    let plan = sqlite_plan(
        &db.url,
        "WITH c (k, team_id, email, name_folded, company) AS (VALUES \
         (0, 'T', 'jane@acme.com', 'jane doe', NULL), (1, 'T', NULL, 'bob roe', 'Acme')) \
         SELECT c.k AS batch_k, p.id FROM c \
         JOIN prospects p ON p.team_id = c.team_id AND p.email = c.email \
         UNION \
         SELECT c.k AS batch_k, p.id FROM c \
         JOIN prospects p ON c.company IS NOT NULL AND p.team_id = c.team_id \
         AND p.name_folded = c.name_folded AND LOWER(p.company) = LOWER(c.company)",
    )
    .await;
    assert!(
        plan.contains("prospects_team_email (team_id=? AND email=?)"),
        "plan was:\n{plan}"
    );
    // The company is part of the key: a common name does not read every prospect so named.
    assert!(
        plan.contains("prospects_team_name_company (team_id=? AND name_folded=? AND <expr>=?)"),
        "plan was:\n{plan}"
    );
    assert!(!plan.contains("SCAN p"), "plan was:\n{plan}");
}

#[tokio::test]
async fn a_revoked_workspace_costs_the_digest_pass_one_primary_key_probe_per_rep() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.team_id FROM reps r WHERE r.unreachable_since IS NULL \
         AND NOT EXISTS (SELECT 1 FROM workspace_revocations w WHERE w.team_id = r.team_id) \
         AND EXISTS (SELECT 1 FROM touches t WHERE t.team_id = r.team_id AND t.user_id = r.user_id \
         AND t.status = 'pending' AND t.due_on <= '2026-11-02')",
    )
    .await;
    assert!(
        plan.contains("SEARCH w USING COVERING INDEX sqlite_autoindex_workspace_revocations_1"),
        "plan was:\n{plan}"
    );
    assert!(!plan.contains("SCAN w"), "plan was:\n{plan}");
}

#[tokio::test]
async fn the_purge_finds_its_workspaces_and_their_rows_through_indexes() {
    let db = common::TestDb::sqlite().await;
    let due = sqlite_plan(
        &db.url,
        "SELECT team_id FROM workspace_revocations WHERE purge_after IS NOT NULL \
         AND purge_after <= '2026-12-01' AND purged_at IS NULL ORDER BY team_id",
    )
    .await;
    assert!(
        due.contains("workspace_revocations_purge"),
        "plan was:\n{due}"
    );
    for table in [
        "touches",
        "enrolments",
        "undo_log",
        "action_items",
        "stage_changes",
    ] {
        let plan = sqlite_plan(
            &db.url,
            &format!(
                "DELETE FROM {table} WHERE prospect_id IN (SELECT id FROM prospects WHERE team_id = 'T')"
            ),
        )
        .await;
        assert!(
            !plan.contains(&format!("SCAN {table}")),
            "{table}: plan was:\n{plan}"
        );
        assert!(
            !plan.contains("SCAN prospects"),
            "{table}: plan was:\n{plan}"
        );
    }
}

#[tokio::test]
async fn forgetting_used_install_links_reads_only_the_old_ones_through_an_index() {
    let db = common::TestDb::sqlite().await;
    // The prune `claim_oauth_state` runs before each claim (src/store/sql/workspaces.rs).
    let plan = sqlite_plan(
        &db.url,
        "DELETE FROM oauth_states WHERE used_at < '2026-11-01 14:00:00+00:00'",
    )
    .await;
    assert!(
        plan.contains("SEARCH oauth_states USING INDEX oauth_states_used_at (used_at<?)"),
        "plan was:\n{plan}"
    );
    assert!(!plan.contains("SCAN"), "plan was:\n{plan}");
}

#[tokio::test]
async fn a_digest_pass_reads_only_the_reps_whose_morning_has_come_through_an_index() {
    let db = common::TestDb::sqlite().await;
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.team_id, r.user_id FROM reps r WHERE r.unreachable_since IS NULL \
         AND (r.digest_after IS NULL OR r.digest_after <= '2026-11-02 08:00:00+00:00') \
         AND NOT EXISTS (SELECT 1 FROM workspace_revocations w WHERE w.team_id = r.team_id) \
         AND (EXISTS (SELECT 1 FROM touches t WHERE t.team_id = r.team_id AND t.user_id = r.user_id \
         AND t.status = 'pending' AND t.due_on <= '2026-11-02') \
         OR EXISTS (SELECT 1 FROM action_items a WHERE a.team_id = r.team_id AND a.user_id = r.user_id \
         AND a.done_at IS NULL AND a.mine = TRUE AND a.due_on <= '2026-11-02'))",
    )
    .await;
    assert!(plan.contains("reps_digest_after"), "plan was:\n{plan}");
    assert!(plan.contains("action_items_rep_open"), "plan was:\n{plan}");
    assert!(!plan.contains("SCAN a"), "plan was:\n{plan}");
    assert!(!plan.contains("SCAN r"), "plan was:\n{plan}");
}

#[tokio::test]
async fn the_agendas_resources_come_from_the_teams_library_and_the_prospects_sends_by_index() {
    let db = common::TestDb::sqlite().await;
    // The shape `load_library` sends (src/store/library.rs), for an agenda of two prospects.
    let plan = sqlite_plan(
        &db.url,
        "SELECT r.id, r.number, r.title, s.prospect_id AS sent_to FROM resources r \
         LEFT JOIN resource_sends s ON s.resource_id = r.id AND s.prospect_id IN (1, 2) \
         WHERE r.team_id = 'T' AND r.removed_at IS NULL ORDER BY r.number, s.prospect_id",
    )
    .await;
    assert!(
        plan.contains("resources_team_number (team_id=?)"),
        "plan was:\n{plan}"
    );
    assert!(
        plan.contains("resource_sends_prospect"),
        "plan was:\n{plan}"
    );
    assert!(
        !plan.contains("SCAN r") && !plan.contains("SCAN s"),
        "plan was:\n{plan}"
    );
    let plan = sqlite_plan(
        &db.url,
        "SELECT s.touch_id, r.title FROM resource_sends s JOIN resources r ON r.id = s.resource_id \
         WHERE s.prospect_id = 1 AND s.team_id = 'T' ORDER BY s.sent_at, s.id",
    )
    .await;
    assert!(
        plan.contains("resource_sends_prospect (prospect_id=?)"),
        "plan was:\n{plan}"
    );
    assert!(
        !plan.contains("SCAN r") && !plan.contains("SCAN s"),
        "plan was:\n{plan}"
    );
}

#[tokio::test]
async fn reply_rates_read_done_touches_through_the_done_index_and_each_next_step_by_key() {
    let db = common::TestDb::sqlite().await;
    // The shape `done_touches` sends (src/store/library.rs), for a rep and for a whole team.
    let select = "SELECT t.user_id, t.cadence_id, t.step_index, t.variant, t.done_at, \
         t.original_due_on, p.replied_at, \
         (SELECT n.original_due_on FROM touches n WHERE n.prospect_id = t.prospect_id \
         AND n.enrolment_id = t.enrolment_id AND n.step_index = t.step_index + 1 \
         ORDER BY n.id LIMIT 1) AS next_planned_on \
         FROM touches t JOIN prospects p ON p.id = t.prospect_id \
         WHERE t.team_id = 'T' AND t.status = 'done' AND t.done_at IS NOT NULL AND t.step_index >= 0";
    for filter in [" AND t.user_id = 'U' AND t.done_at >= '2026-08-01'", ""] {
        let plan = sqlite_plan(&db.url, &format!("{select}{filter}")).await;
        assert!(plan.contains("touches_rep_done"), "plan was:\n{plan}");
        assert!(
            !plan.contains("SCAN t") && !plan.contains("SCAN n") && !plan.contains("SCAN p"),
            "plan was:\n{plan}"
        );
    }
}

#[tokio::test]
async fn a_teams_cadences_are_read_by_the_primary_key_and_the_import_finds_each_newest_version_by_it(
) {
    let db = common::TestDb::sqlite().await;
    // The shapes of `load_team_cadences` and of an import's read (src/store/cadence_sql.rs).
    let load = sqlite_plan(
        &db.url,
        "SELECT cadence_id, version, position, definition, retired_at FROM team_cadences \
         WHERE team_id = 'T'",
    )
    .await;
    assert!(
        load.contains(
            "SEARCH team_cadences USING INDEX sqlite_autoindex_team_cadences_1 (team_id=?)"
        ),
        "plan was:\n{load}"
    );
    let newest = sqlite_plan(
        &db.url,
        "SELECT cadence_id, version, definition, retired_at FROM team_cadences c \
         WHERE team_id = 'T' AND version = (SELECT MAX(n.version) FROM team_cadences n \
         WHERE n.team_id = c.team_id AND n.cadence_id = c.cadence_id)",
    )
    .await;
    assert!(
        newest.contains("sqlite_autoindex_team_cadences_1 (team_id=? AND cadence_id=?)"),
        "the newest version by key: plan was:\n{newest}"
    );
    for plan in [&load, &newest] {
        assert!(!plan.contains("SCAN"), "plan was:\n{plan}");
    }
}
