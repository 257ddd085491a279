//! Issue 13, a rep's first weeks: numbers that count what happened in the window, Monday's
//! numbers even when nothing is due, the add form's stage, and `help` naming away mode.
//! Each test runs through the real router on SQLite and on Postgres.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::at;
use common::slack_requests::{static_select_value, text_input_value, view_submission};
use followup::clock::Clock;
use followup::digest::Digester;
use followup::domain::{RepRef, Stage};
use followup::service::Service;
use followup::slack::api::SlackApi;
use serde_json::{json, Value};

const CAROL: &str = "U0CAROL";
const DANA: &str = "U0DANA";

fn start_time() -> DateTime<Utc> {
    at(2026, 9, 1, 14, 0)
}

/// Runs `commands` as `user` at `when`.
async fn at_time(app: &TestApp, when: DateTime<Utc>, user: &str, commands: &[&str]) {
    app.clock.set(when);
    for text in commands {
        let reply = app.say(user, text).await;
        assert!(
            !reply.contains("went wrong") && !reply.contains("couldn't"),
            "`{text}`: {reply}"
        );
    }
}

fn digester(app: &TestApp) -> Digester {
    let service = Arc::new(Service::new(
        app.store.clone(),
        app.clock.clone(),
        NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
    ));
    let api = SlackApi::new(&app.slack.api_url(), Some("xoxb-test".into()))
        .expect("slack client")
        .with_backoff(Duration::from_millis(10), 4);
    Digester::new(service, Arc::new(api), 2)
}

/// Every `plain_text` object's text in a Block Kit value.
fn plain_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("plain_text")) {
                out.extend(map.get("text").and_then(Value::as_str).map(String::from));
            }
            map.values().for_each(|v| plain_texts(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| plain_texts(v, out)),
        _ => {}
    }
}

on_both_apps! {
    async fn stats_count_the_wins_replies_and_touches_of_the_window_whenever_the_prospect_was_added(app) {
        // Three deals added on 1 September, more than 30 days before the stats are asked for.
        at_time(app, start_time(), ALICE, &[
            "add Ann Acme company:Acme value:40000",
            "add Gus Globex company:Globex value:38000",
            "add Ian Initech company:Initech",
            "done ann", "done gus", "done ian",
        ]).await;
        at_time(app, at(2026, 9, 3, 14, 0), ALICE, &["done ann", "done gus", "done ian"]).await;
        at_time(app, at(2026, 9, 8, 14, 0), ALICE, &["done ann", "done gus"]).await;
        // Inside the 30 days before 2 November: the fourth touches, both wins, Ian's reply to
        // a touch logged in September, and one prospect added.
        at_time(app, at(2026, 10, 20, 14, 0), ALICE, &["done ann", "won ann 40000"]).await;
        at_time(app, at(2026, 10, 26, 14, 0), ALICE, &["done gus", "won gus 38000"]).await;

        app.clock.set(at(2026, 10, 27, 15, 0));
        let week = app.say(ALICE, "stats 7d").await;
        assert!(week.contains("Your numbers · last 7 days") && week.contains("*1 won ($38,000)*"), "the day after a win: {week}");
        assert!(!week.contains("No prospects"), "{week}");

        at_time(app, at(2026, 10, 30, 14, 0), ALICE, &["replied ian"]).await;
        at_time(app, at(2026, 11, 1, 14, 0), ALICE, &["add Zed Zeta"]).await;
        app.clock.set(at(2026, 11, 2, 14, 0));
        let month = app.say(ALICE, "stats").await;
        assert!(month.contains("2 touches logged · 1 reply · 1 prospect added · *2 won ($78,000)*"), "{month}");
        assert!(month.contains("*Won*\n2 · $78,000"), "the money won in the window: {month}");
        assert!(month.contains("`touch  2`") && month.contains("100% (1/1)"), "Ian answered touch 2 inside the window: {month}");
        assert!(month.contains("`touch  4`") && month.contains("0% (0/2)"), "{month}");
        assert!(!month.contains("`touch  1`"), "no first touch was logged in the window: {month}");
        assert!(month.contains("*Conversion from follow-up*\n67% (2 of 3)"), "Ann and Gus won, out of Ann, Gus and Ian worked in the window: {month}");
        assert!(month.contains("*Average touches to close*\n4.0"), "{month}");
        assert!(month.contains("*Revenue recovered*\n$78,000 (won at touch 3+)"), "{month}");
        assert!(month.contains("4 inquiry → 2 sales-ready → 2 qualified → 2 won"), "{month}");

        // The manager's view counts the same way.
        app.slack.make_admin(DANA);
        let team = app.say(DANA, "stats").await;
        assert!(team.contains("Team numbers · last 30 days") && team.contains("*2 won ($78,000)*"), "{team}");
        assert!(team.contains(&format!("<@{ALICE}>: 2 touches · 1 reply · 2 won ($78,000) · $78,000 recovered · 4.0 avg touches to close")), "{team}");

        // All time keeps everything.
        let all = app.say(ALICE, "stats all").await;
        assert!(all.contains("10 touches logged · 1 reply · 4 prospects added · *2 won ($78,000)*"), "{all}");

        app.clock.set(at(2026, 11, 20, 14, 0));
        let quiet = app.say(ALICE, "stats 7d").await;
        assert!(quiet.contains("Nothing happened in the last 7 days"), "{quiet}");
    }

    async fn a_monday_with_nothing_due_brings_last_weeks_numbers_alone_once(app) {
        // Alice works a cold lead last week (days 2, 9, …): nothing is due on Monday 9 November.
        at_time(app, at(2026, 11, 4, 14, 0), ALICE, &["settings tz America/New_York", "add Colin Cold lead:cold"]).await;
        at_time(app, at(2026, 11, 6, 15, 0), ALICE, &["done colin"]).await;
        // Carol did the same, and is away from Monday.
        at_time(app, at(2026, 11, 4, 14, 0), CAROL, &["settings tz America/New_York", "add Cora Cold lead:cold"]).await;
        at_time(app, at(2026, 11, 6, 15, 0), CAROL, &["done cora", "away 2026-11-09 2026-11-13"]).await;
        // Bob did nothing last week.
        at_time(app, at(2026, 11, 4, 14, 0), BOB, &["settings tz America/New_York"]).await;

        let digests = digester(app);
        let monday = at(2026, 11, 9, 13, 0); // 08:00 in New York
        app.clock.set(monday);
        assert!(app.say(ALICE, "due").await.contains("Nothing due"), "nothing is due on Monday");

        let dry = digests.run_pass(monday, true).await.unwrap();
        let previewed: Vec<&str> = dry.previews.iter().map(|p| p.rep.user_id.as_str()).collect();
        assert_eq!(previewed, vec![ALICE], "the dry run shows what would be sent");
        assert!(app.slack.calls_to("chat.postMessage").is_empty());

        let report = digests.run_pass(monday, false).await.unwrap();
        assert_eq!(report.sent, vec![RepRef::new(TEAM, ALICE)], "not Carol (away), not Bob (nothing to tell)");
        let posts = app.slack.calls_to("chat.postMessage");
        assert_eq!(posts.len(), 1);
        let blocks = posts[0].body["blocks"].as_array().cloned().unwrap_or_default();
        assert_eq!(blocks.len(), 2, "one short message: {blocks:?}");
        let text = reply_text(&posts[0].body);
        assert!(text.contains("*Last week*: 1 touch logged · 0 replies · 0 won ($0) · 1 prospect added"), "{text}");
        assert!(text.contains("Nothing is due today"), "{text}");
        assert_eq!(posts[0].body["blocks"], dry.previews[0].to_json()["blocks"], "the dry run previewed the same message");

        assert!(digests.run_pass(monday + chrono::Duration::hours(1), false).await.unwrap().sent.is_empty(), "once a Monday");
        assert!(digests.run_pass(at(2026, 11, 10, 13, 0), false).await.unwrap().sent.is_empty(), "a Tuesday with nothing due sends nothing");
        assert_eq!(app.slack.calls_to("chat.postMessage").len(), 1);
        assert_eq!(app.clock.now(), monday);
    }

    async fn the_add_form_stores_the_chosen_stage_and_its_plain_text_carries_no_markup(app) {
        app.say(ALICE, "add").await;
        let opened = app.slack.wait_for("views.open", 1, Duration::from_secs(5)).await;
        let view = &opened[0].body["view"];
        let blocks = view["blocks"].as_array().cloned().unwrap_or_default();
        let stage = blocks.iter().find(|b| b["block_id"] == "stage").expect("a Stage field");
        assert_eq!(stage["element"]["type"], "static_select");
        assert_eq!(stage["element"]["initial_option"]["value"], "inquiry");
        let offered: Vec<&str> = stage["element"]["options"].as_array().unwrap().iter().filter_map(|o| o["value"].as_str()).collect();
        assert_eq!(offered, vec!["inquiry", "sales-ready", "qualified", "proposal"]);
        let mut texts = Vec::new();
        plain_texts(view, &mut texts);
        assert!(texts.iter().any(|t| t.contains("hot cadence")), "{texts:?}");
        for t in &texts {
            assert!(!t.contains('`') && !t.contains('*'), "plain_text shows markup as typed: {t:?}");
        }

        let submit = |name: &str, stage: Option<&str>, view_id: &str| {
            let mut values = json!({
                "name": {"value": text_input_value(name)},
                "value": {"value": text_input_value("40000")},
            });
            if let Some(stage) = stage {
                values["stage"] = json!({"value": static_select_value(Some(stage))});
            }
            view_submission(TEAM, ALICE, "add_prospect", "", values, view_id)
        };
        let (status, body) = app.interact(&submit("Pat Proposal", Some("proposal"), "V0P")).await;
        assert_eq!((status, body.as_str()), (200, ""));
        let (status, body) = app.interact(&submit("Ike Inquiry", None, "V0I")).await;
        assert_eq!((status, body.as_str()), (200, ""));
        let (status, body) = app.interact(&submit("Wes Won", Some("won"), "V0W")).await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["response_action"], "errors", "a deal is won by closing it: {answer}");
        assert!(answer["errors"]["stage"].is_string(), "{answer}");

        let stored = app.snapshot(&TestApp::alice()).await;
        let stage_of = |name: &str| stored.iter().find(|s| s.prospect.name == name).map(|s| s.prospect.stage);
        assert_eq!(stage_of("Pat Proposal"), Some(Stage::Proposal));
        assert_eq!(stage_of("Ike Inquiry"), Some(Stage::Inquiry));
        assert_eq!(stage_of("Wes Won"), None);
    }

    async fn help_names_away_mode_and_how_to_end_it(app) {
        let (status, reply) = app.command(ALICE, "help").await;
        assert_eq!(status, 200);
        let text = reply_text(&reply);
        assert!(text.contains("/followup away monday 2w") && text.contains("/followup back") && text.contains("away off"), "{text}");
        assert!(app.say(ALICE, "away monday 2w").await.contains("Away from"), "the example works when pasted");
        let mut sections = Vec::new();
        for block in reply["blocks"].as_array().cloned().unwrap_or_default() {
            sections.extend(block["text"]["text"].as_str().map(|t| t.chars().count()));
        }
        assert!(!sections.is_empty() && sections.iter().all(|n| *n <= 3000), "Slack's section limit: {sections:?}");
    }
}
