//! Workspaces inside an Enterprise Grid org: Slack adds `enterprise` / `enterprise_id` to what
//! it sends, and followup answers as it does anywhere else. An interaction that names no
//! workspace (an org-wide app) is refused with a reason. Through the real router, on both databases.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::app::{block, reply_text, TestApp, ALICE, SECRET, TEAM};
use common::slack_requests::{
    app_home_opened, block_actions, bot_message, button_action, event_callback, message_container,
    text_input_value, view_submission, SignedPost, SlashCommand, COMMANDS_PATH, FORM_CONTENT_TYPE,
};
use followup::domain::TouchStatus;
use serde_json::{json, Value};

const ORG: &str = "E0GLOBEX";
const WAIT: Duration = Duration::from_secs(5);

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    common::at(2026, 11, 2, 14, 0)
}

/// An interaction payload as Slack sends it from a workspace inside the org.
fn inside_the_org(mut payload: Value) -> Value {
    payload["team"] = json!({"id": TEAM, "domain": "globex-sales", "enterprise_id": ORG, "enterprise_name": "Globex"});
    payload["enterprise"] = json!({"id": ORG, "name": "Globex"});
    payload["is_enterprise_install"] = json!(false);
    payload["user"]["team_id"] = json!(TEAM);
    payload
}

/// An event delivery from a workspace inside the org.
fn event_inside_the_org(event: Value) -> Value {
    let mut body = event_callback(TEAM, event);
    body["enterprise_id"] = json!(ORG);
    body["authorizations"][0]["enterprise_id"] = json!(ORG);
    body
}

/// A Done click on Alice's first touch of `id`, from the `/followup due` message.
async fn done_click(app: &TestApp, id: i64) -> Value {
    let (status, reply) = app.command(ALICE, "due").await;
    assert_eq!(status, 200);
    let blocks = reply["blocks"].clone();
    let touch = app
        .store
        .prospect_state(&TestApp::alice(), id)
        .await
        .unwrap()
        .unwrap()
        .touches[0]
        .id;
    let block_id = format!("act.{touch}");
    let done = block(&blocks, &block_id)["elements"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["action_id"] == "touch_done"))
        .expect("a Done button")["value"]
        .as_str()
        .unwrap()
        .to_string();
    block_actions(
        TEAM,
        ALICE,
        vec![button_action("touch_done", &done, &block_id)],
        Some(&app.slack.response_url("digest")),
        Some(bot_message(
            "1700000000.000100",
            "Today's follow-ups",
            blocks,
        )),
        Some("D0ALICE"),
        message_container("D0ALICE", "1700000000.000100", false),
    )
}

on_both_apps! {
    async fn a_slash_command_from_a_workspace_inside_an_org_is_answered(app) {
        let command = SlashCommand::new("add Jane Doe jane@acme.com").team_id(TEAM).user_id(ALICE).enterprise(ORG, "Globex");
        let fields = command.form_body();
        assert!(fields.contains("enterprise_id=E0GLOBEX") && fields.contains("is_enterprise_install=false"), "{fields}");
        let response = app.send(SignedPost::signed(SECRET, app.now_unix(), COMMANDS_PATH, FORM_CONTENT_TYPE, fields)).await;
        assert_eq!(response.status(), 200);
        let shown = reply_text(&response.json().await.unwrap());
        assert!(shown.contains("*Jane Doe*"), "{shown}");
        let stored = app.snapshot(&TestApp::alice()).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].prospect.email.as_deref(), Some("jane@acme.com"));
    }

    async fn a_click_and_a_form_from_a_workspace_inside_an_org_are_answered(app) {
        let id = app.add_prospect(ALICE, "Jane Doe").await;
        let click = done_click(app, id).await;
        let (status, body) = app.interact(&inside_the_org(click)).await;
        assert_eq!(status, 200, "{body}");
        let updates = app.slack.wait_for(&common::fake_slack::FakeSlack::response_url_method("digest"), 1, WAIT).await;
        assert!(reply_text(&updates[0].body).contains("Logged touch 1 of"), "{}", updates[0].body);
        let state = app.store.prospect_state(&TestApp::alice(), id).await.unwrap().unwrap();
        assert_eq!(state.touches[0].status, TouchStatus::Done);

        let values = json!({"name": {"value": text_input_value("Ike Inquiry")}});
        let mut form = inside_the_org(view_submission(TEAM, ALICE, "add_prospect", "", values, "V0GRID"));
        form["view"]["app_installed_team_id"] = json!(TEAM);
        let (status, body) = app.interact(&form).await;
        assert_eq!((status, body.as_str()), (200, ""), "the form closes");
        let names: Vec<String> = app.snapshot(&TestApp::alice()).await.into_iter().map(|s| s.prospect.name).collect();
        assert!(names.contains(&"Ike Inquiry".to_string()), "{names:?}");
    }

    async fn an_event_from_a_workspace_inside_an_org_is_accepted_with_or_without_a_top_level_team_id(app) {
        let with_team = event_inside_the_org(app_home_opened(ALICE));
        assert_eq!(app.event(&with_team).await.status(), 200);
        let published = app.slack.wait_for("views.publish", 1, WAIT).await;
        assert_eq!(published[0].str_field("user_id"), Some(ALICE));

        // Slack sometimes leaves the top-level `team_id` out; the installation's is used.
        let mut without = event_inside_the_org(app_home_opened(ALICE));
        without.as_object_mut().unwrap().remove("team_id");
        assert_eq!(app.event(&without).await.status(), 200);
        app.slack.wait_for("views.publish", 2, WAIT).await;
    }

    async fn an_interaction_or_event_naming_no_workspace_is_refused_with_a_reason(app) {
        let id = app.add_prospect(ALICE, "Jane Doe").await;
        let click = done_click(app, id).await;
        let mut org_wide = inside_the_org(click);
        org_wide["team"] = Value::Null;
        org_wide["is_enterprise_install"] = json!(true);
        let (status, body) = app.interact(&org_wide).await;
        assert_eq!(status, 400);
        assert!(body.contains("names no workspace") && body.contains("installed per workspace"), "{body}");
        let state = app.store.prospect_state(&TestApp::alice(), id).await.unwrap().unwrap();
        assert_eq!(state.touches[0].status, TouchStatus::Pending, "nothing changed");

        let mut event = event_inside_the_org(app_home_opened(ALICE));
        event.as_object_mut().unwrap().remove("team_id");
        event["authorizations"][0]["team_id"] = Value::Null;
        let response = app.event(&event).await;
        assert_eq!(response.status(), 400);
        let reason = response.text().await.unwrap();
        assert!(reason.contains("names no workspace"), "{reason}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(app.slack.count("views.publish"), 0);
    }
}
