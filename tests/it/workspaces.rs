//! A workspace's life with followup beyond its reps: a token that dies, an uninstall and the
//! purge 30 days later (or at once, by `followup purge`), a reinstall that keeps everything, and
//! the team channel each workspace chooses.

use crate::common;

use std::time::Duration;

use chrono::Duration as Days;
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::fake_slack::Failure;
use common::slack_requests::event_callback;
use followup::clock::Clock;
use followup::domain::RepRef;
use serde_json::json;

const CAROL: &str = "U0CAROL";
const OTHER_TEAM: &str = "T0OTHER";
const OTHER_REP: &str = "U0OTHER";

/// A Monday afternoon (UTC): digests of reps on UTC are due.
fn start_time() -> chrono::DateTime<chrono::Utc> {
    common::at(2026, 11, 2, 14, 0)
}

/// Each rep gets a hot lead, whose first touch is due today.
async fn hot_leads(app: &TestApp, team: &str, reps: &[&str]) {
    for (i, rep) in reps.iter().enumerate() {
        let (status, reply) = app
            .command_in(team, rep, &format!("add Lead Number{i} lead:hot"))
            .await;
        assert_eq!(status, 200, "{reply}");
    }
}

/// The revocation the dead-token hook writes (it runs beside the call that found it).
async fn revocation(app: &TestApp, team: &str) -> Option<followup::store::Revocation> {
    for _ in 0..100 {
        if let Some(r) = app.store.workspace_revocation(team).await.unwrap() {
            return Some(r);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

async fn prospects_of(app: &TestApp, team: &str) -> usize {
    app.store.team_prospects(team, None).await.unwrap().len()
}

on_both_apps! {
    async fn a_dead_token_stops_the_workspaces_digests_at_once_until_it_works_again(app) {
        hot_leads(app, TEAM, &[ALICE, BOB, CAROL]).await;
        app.slack.clear();
        app.slack.fail_next("chat.postMessage", 20, Failure::ApiError("token_revoked".into()));
        let report = app.digest_pass().await;
        assert!(report.sent.is_empty(), "{report:?}");
        // At most one call per digest being sent at once (2): the rest of the workspace is not tried.
        let tried = app.slack.count("chat.postMessage");
        assert!((1..=2).contains(&tried), "{tried} calls: {}", app.slack.describe_calls());
        let revoked = revocation(app, TEAM).await.expect("the workspace is marked");
        assert_eq!(revoked.reason, "token_revoked");
        assert_eq!(revoked.purge_after, None, "a dead token deletes nothing");
        for rep in [ALICE, BOB, CAROL] {
            let settings = app.store.rep_settings(&RepRef::new(TEAM, rep)).await.unwrap().expect("a rep");
            assert_eq!(settings.unreachable_since, None, "the token's fault, not {rep}'s");
        }

        // Later passes, that day and the next, do not try at all.
        app.slack.clear_failures();
        app.slack.clear();
        app.clock.advance(Days::minutes(30));
        assert!(app.digest_pass().await.failed.is_empty());
        app.clock.advance(Days::days(1));
        let next_day = app.digest_pass().await;
        assert!(next_day.sent.is_empty() && next_day.failed.is_empty(), "{next_day:?}");
        assert_eq!(app.slack.count("chat.postMessage"), 0, "{}", app.slack.describe_calls());

        // The token works again (installed again, the new token configured): digests resume.
        assert_eq!(followup::app::check_static_token(&app.state).await.as_deref(), Some(TEAM));
        assert_eq!(app.store.workspace_revocation(TEAM).await.unwrap(), None);
        assert_eq!(app.digest_pass().await.sent.len(), 3);
    }

    async fn account_inactive_is_about_the_token_not_the_rep(app) {
        hot_leads(app, TEAM, &[ALICE]).await;
        app.slack.fail_next("chat.postMessage", 1, Failure::ApiError("account_inactive".into()));
        assert!(app.digest_pass().await.sent.is_empty());
        assert_eq!(revocation(app, TEAM).await.expect("marked").reason, "account_inactive");
        let alice = app.store.rep_settings(&TestApp::alice()).await.unwrap().expect("Alice");
        assert_eq!(alice.unreachable_since, None);
    }

    async fn a_revoked_workspace_is_no_digest_candidate_and_the_others_still_are(app) {
        hot_leads(app, TEAM, &[ALICE]).await;
        hot_leads(app, OTHER_TEAM, &[OTHER_REP]).await;
        assert!(app.store.revoke_workspace(TEAM, "invalid_auth", app.clock.now(), None).await.unwrap());
        assert!(!app.store.revoke_workspace(TEAM, "invalid_auth", app.clock.now(), None).await.unwrap(), "already marked");
        let report = app.digest_pass().await;
        assert_eq!(report.sent, vec![RepRef::new(OTHER_TEAM, OTHER_REP)]);
        assert_eq!(app.store.revoked_workspaces().await.unwrap(), vec![TEAM.to_string()]);
    }

    async fn an_uninstall_keeps_the_data_30_days_then_deletes_it_all(app) {
        hot_leads(app, TEAM, &[ALICE, BOB]).await;
        app.say(ALICE, "done lead number0 via:call outcome:connected asked for pricing").await;
        app.slack.make_admin(ALICE);
        assert!(app.say(ALICE, "settings holidays 2026-12-25").await.contains("Fri 25 Dec"));
        assert_eq!(app.store.team_holidays(TEAM).await.unwrap().len(), 1);
        hot_leads(app, OTHER_TEAM, &[OTHER_REP]).await;
        let uninstalled_at = app.clock.now();
        let response = app.event(&event_callback(TEAM, json!({"type": "app_uninstalled"}))).await;
        assert_eq!(response.status(), 200);
        let revoked = app.store.workspace_revocation(TEAM).await.unwrap().expect("marked");
        assert_eq!(revoked.reason, "app_uninstalled");
        assert_eq!(revoked.purge_after, Some(uninstalled_at + Days::days(30)));
        // A redelivery changes nothing.
        app.event(&event_callback(TEAM, json!({"type": "app_uninstalled"}))).await;
        assert_eq!(app.store.workspace_revocation(TEAM).await.unwrap(), Some(revoked));
        // No digest for it from now on; the other workspace's still goes.
        assert_eq!(app.digest_pass().await.sent, vec![RepRef::new(OTHER_TEAM, OTHER_REP)]);

        let store = app.store.as_ref();
        assert_eq!(followup::retention::purge_expired(store, uninstalled_at + Days::days(29)).await.unwrap(), 0);
        assert_eq!(prospects_of(app, TEAM).await, 2, "kept for 30 days");
        assert_eq!(followup::retention::purge_expired(store, uninstalled_at + Days::days(30) + Days::minutes(1)).await.unwrap(), 1);
        assert_eq!(prospects_of(app, TEAM).await, 0, "names, emails, phones and notes are gone");
        assert_eq!(app.store.rep_settings(&TestApp::alice()).await.unwrap(), None);
        assert!(app.store.rep_pending_touches(&TestApp::alice()).await.unwrap().is_empty());
        assert!(app.store.team_holidays(TEAM).await.unwrap().is_empty());
        let purged = app.store.workspace_revocation(TEAM).await.unwrap().expect("the purge is noted");
        assert!(purged.purged_at.is_some() && purged.purge_after.is_none(), "{purged:?}");
        assert_eq!(followup::retention::purge_expired(store, uninstalled_at + Days::days(40)).await.unwrap(), 0, "once");
        // The other workspace keeps everything.
        assert_eq!(prospects_of(app, OTHER_TEAM).await, 1);
        assert!(app.store.rep_settings(&RepRef::new(OTHER_TEAM, OTHER_REP)).await.unwrap().is_some());
    }

    async fn installing_again_within_30_days_keeps_everything_and_resumes_digests(app) {
        hot_leads(app, TEAM, &[ALICE]).await;
        let uninstalled_at = app.clock.now();
        app.event(&event_callback(TEAM, json!({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0FAKEBOT"]}}))).await;
        assert_eq!(app.store.workspace_revocation(TEAM).await.unwrap().expect("marked").reason, "tokens_revoked");
        assert!(app.digest_pass().await.sent.is_empty());
        app.clock.advance(Days::days(3));
        let workspace = followup::store::Workspace {
            team_id: TEAM.into(),
            team_name: Some("Acme".into()),
            bot_user_id: Some("U0FAKEBOT".into()),
            app_id: None,
            bot_token_enc: "sealed".into(),
            scope: None,
            installed_by: Some(ALICE.into()),
        };
        app.store.save_workspace(&workspace, app.clock.now()).await.unwrap();
        assert_eq!(app.store.workspace_revocation(TEAM).await.unwrap(), None);
        assert_eq!(followup::retention::purge_expired(app.store.as_ref(), uninstalled_at + Days::days(31)).await.unwrap(), 0);
        assert_eq!(prospects_of(app, TEAM).await, 1);
        assert_eq!(app.digest_pass().await.sent, vec![TestApp::alice()]);
    }

    async fn followup_purge_deletes_a_workspace_at_once_and_refuses_one_still_installed(app) {
        hot_leads(app, TEAM, &[ALICE]).await;
        hot_leads(app, OTHER_TEAM, &[OTHER_REP]).await;
        let run = |team: &str, force: bool| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_followup"));
            command.args(["purge", "--team", team]).env("DATABASE_URL", app_url(app)).env_remove("RUST_LOG");
            if force {
                command.arg("--force");
            }
            command.output().expect("followup runs")
        };
        let refused = run(TEAM, false);
        assert!(!refused.status.success());
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("has not uninstalled followup") && said.contains("--force"), "{said}");
        assert_eq!(prospects_of(app, TEAM).await, 1, "nothing deleted");

        app.event(&event_callback(TEAM, json!({"type": "app_uninstalled"}))).await;
        let purged = run(TEAM, false);
        let out = String::from_utf8_lossy(&purged.stdout);
        assert!(purged.status.success(), "{}", String::from_utf8_lossy(&purged.stderr));
        assert!(out.contains(&format!("purged {TEAM}: 1 prospects")) && out.contains("1 reps"), "{out}");
        assert_eq!(prospects_of(app, TEAM).await, 0);
        assert_eq!(prospects_of(app, OTHER_TEAM).await, 1);

        let forced = run(OTHER_TEAM, true);
        assert!(forced.status.success());
        assert_eq!(prospects_of(app, OTHER_TEAM).await, 0);
    }

    async fn each_workspace_chooses_its_team_channel_and_gets_its_numbers_in_its_own_morning(app) {
        const ADMIN: &str = "U0ADMIN";
        // Two reps in Berlin and one in New York: Berlin is the workspace's main zone.
        for rep in [ALICE, BOB] {
            app.say(rep, "settings tz Europe/Berlin").await;
        }
        app.command_in(TEAM, CAROL, "settings tz America/New_York").await;
        hot_leads(app, TEAM, &[ALICE]).await;
        app.say(ALICE, "done lead number0").await;
        hot_leads(app, OTHER_TEAM, &[OTHER_REP]).await;
        app.command_in(OTHER_TEAM, OTHER_REP, "done lead number0").await;

        let refused = app.say(BOB, "settings team-channel <#C0BOB|bobs-channel>").await;
        assert!(refused.contains("only a manager"), "{refused}");
        app.slack.make_admin(ADMIN);
        let chosen = app.say(ADMIN, "settings team-channel <#C0SALES|sales>").await;
        assert!(chosen.contains("<#C0SALES>") && chosen.contains("Monday"), "{chosen}");
        assert_eq!(app.store.team_channel(TEAM).await.unwrap().as_deref(), Some("C0SALES"));
        let typo = app.say(ADMIN, "settings team-channel sales").await;
        assert!(typo.contains("`sales` is not a channel") && typo.contains("#sales"), "{typo}");

        let digester = app.digester(Some("C0DEFAULT"));
        // Monday 9 Nov, 06:30 UTC is 07:30 in Berlin: not yet (the default digest time is 08:00).
        assert_eq!(digester.team_summaries(common::at(2026, 11, 9, 6, 30)).await.unwrap(), 0);
        // 07:05 UTC is 08:05 in Berlin: the workspace's numbers go to the channel it chose; the
        // other workspace (its rep on UTC) is still at 07:05.
        assert_eq!(digester.team_summaries(common::at(2026, 11, 9, 7, 5)).await.unwrap(), 1);
        assert_eq!(digester.team_summaries(common::at(2026, 11, 9, 8, 5)).await.unwrap(), 1, "the other workspace's morning");
        assert_eq!(digester.team_summaries(common::at(2026, 11, 9, 9, 5)).await.unwrap(), 0, "once a week each");
        let posts: Vec<_> = app
            .slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|c| c.str_field("channel").is_some_and(|ch| ch.starts_with("C0")))
            .collect();
        let channels: Vec<&str> = posts.iter().filter_map(|c| c.str_field("channel")).collect();
        assert_eq!(channels, vec!["C0SALES", "C0DEFAULT"], "{}", app.slack.describe_calls());
        let sales = reply_text(&posts[0].body);
        assert!(sales.contains(&format!("<@{ALICE}>: 1 touches")) && !sales.contains(OTHER_REP), "{sales}");

        // Back to the default; an uninstalled workspace gets no summary.
        assert!(app.say(ADMIN, "settings team-channel none").await.contains("default"));
        assert_eq!(app.store.team_channel(TEAM).await.unwrap(), None);
        app.event(&event_callback(OTHER_TEAM, json!({"type": "app_uninstalled"}))).await;
        let next_monday = common::at(2026, 11, 16, 9, 0);
        assert_eq!(app.digester(Some("C0DEFAULT")).team_summaries(next_monday).await.unwrap(), 1);
        let last = app.slack.calls_to("chat.postMessage").pop().expect("a post");
        assert_eq!(last.str_field("channel"), Some("C0DEFAULT"));
        let summary = |team: &str| RepRef::new(team, "#team-summary");
        let day = common::date(2026, 11, 16);
        assert!(app.store.digest_run(&summary(TEAM), day).await.unwrap().is_some());
        assert!(app.store.digest_run(&summary(OTHER_TEAM), day).await.unwrap().is_none(), "not the uninstalled one's");
    }
}

fn app_url(app: &TestApp) -> String {
    app.db_url().to_string()
}
