//! The Slack surface through the real router: signed requests shaped as Slack sends them, a fake
//! Slack Web API recording every call, and the database checked afterwards. On both databases.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::app::{block, reply_text, TestApp, ALICE, BOB, SECRET, TEAM};
use common::slack_requests::{
    app_home_opened, block_actions, bot_message, button_action, datepicker_value, event_callback,
    message_container, overflow_action, sign, static_select_action, static_select_value,
    text_input_value, url_verification, view_submission, SignedPost, COMMANDS_PATH,
    FORM_CONTENT_TYPE, INTERACTIONS_PATH,
};
use followup::domain::{CadenceId, Money, ProspectStatus, Stage, TouchStatus};
use serde_json::{json, Value};

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    common::at(2026, 11, 2, 14, 0)
}

const WAIT: Duration = Duration::from_secs(5);

/// Adds a prospect through the slash command and answers its id.
async fn add(app: &TestApp, user: &str, text: &str) -> i64 {
    let (status, reply) = app.command(user, &format!("add {text}")).await;
    assert_eq!(status, 200);
    let text = reply_text(&reply);
    let id = text
        .split("as *#")
        .nth(1)
        .and_then(|rest| rest.split('*').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in reply: {text}"));
    id
}

/// The `/followup due` reply's blocks.
async fn due_blocks(app: &TestApp, user: &str) -> Value {
    let (status, reply) = app.command(user, "due").await;
    assert_eq!(status, 200);
    reply["blocks"].clone()
}

/// The value of the element with `action_id` in the actions block `block_id`.
fn element<'a>(blocks: &'a Value, block_id: &str, action_id: &str) -> &'a Value {
    block(blocks, block_id)["elements"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["action_id"] == action_id))
        .unwrap_or_else(|| panic!("no `{action_id}` in `{block_id}`"))
}

/// A click on a digest-style message, as Slack sends it.
fn click(user: &str, team: &str, action: Value, blocks: &Value, response_url: &str) -> Value {
    block_actions(
        team,
        user,
        vec![action],
        Some(response_url),
        Some(bot_message(
            "1700000000.000100",
            "Today's follow-ups",
            blocks.clone(),
        )),
        Some("D0ALICE"),
        message_container("D0ALICE", "1700000000.000100", false),
    )
}

on_both_apps! {
    async fn help_and_empty_text_show_usage_with_examples(app) {
        for text in ["", "help"] {
            let shown = app.say(ALICE, text).await;
            assert!(shown.contains("/followup add Jane Doe jane@acme.com"), "{shown}");
            assert!(shown.contains("/followup snooze jane 3d"), "{shown}");
        }
        let (_, reply) = app.command(ALICE, "help").await;
        assert_eq!(reply["response_type"], "ephemeral");
        // Serialized once and kept: the body is the help message as rendered.
        let usage = followup::slack::render::reply(&followup::service::Reply::Help, chrono::NaiveDate::MIN);
        assert_eq!(reply, usage.ephemeral());
        let (_, again) = app.command(ALICE, "help").await;
        assert_eq!(again, reply, "the same body every time");
    }

    async fn add_records_the_prospect_and_replies_with_the_dated_schedule(app) {
        let shown = app.say(ALICE, "add Jane Doe <mailto:jane@acme.com|jane@acme.com> company:\"Acme Corp\" lead:hot value:12k").await;
        assert!(shown.contains("*Jane Doe* · Acme Corp"), "{shown}");
        assert!(shown.contains("`hot` cadence (9 touches)"), "{shown}");
        assert!(shown.contains("Mon 2 Nov · touch 1 of 9 · call + voicemail + email"), "{shown}");
        assert!(shown.contains("Mon 9 Nov · touch 2 of 9 · email"), "{shown}");
        let stored = app.snapshot(&TestApp::alice()).await;
        assert_eq!(stored.len(), 1);
        let p = &stored[0].prospect;
        assert_eq!((p.name.as_str(), p.company.as_deref(), p.email.as_deref()), ("Jane Doe", Some("Acme Corp"), Some("jane@acme.com")));
        assert_eq!((p.cadence, p.value), (CadenceId::Hot, Some(Money::from_cents(1_200_000).unwrap())));
        assert_eq!(stored[0].touches.len(), 9);
    }

    async fn a_bad_add_explains_itself_and_stores_nothing(app) {
        for (text, expected) in [
            ("add company:Acme", "needs a name"),
            ("add Jane cadence:weekly", "no cadence called `weekly`"),
            ("add Jane value:-100", "cannot be negative"),
            ("add Jane value:lots", "not an amount"),
            ("add Jane start:2020-01-01", "in the past"),
            ("add Jane start:someday", "not a date"),
        ] {
            let shown = app.say(ALICE, text).await;
            assert!(shown.contains(expected), "`{text}` answered: {shown}");
        }
        assert!(app.snapshot(&TestApp::alice()).await.is_empty());
    }

    async fn add_alone_opens_the_modal_with_the_trigger_id(app) {
        let command = common::slack_requests::SlashCommand::new("add").team_id(TEAM).user_id(ALICE).trigger_id("13345224609.738474920.8088930838d88f008e0");
        let post = SignedPost::signed(SECRET, app.now_unix(), COMMANDS_PATH, FORM_CONTENT_TYPE, command.form_body());
        let response = app.send(post).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "", "an empty acknowledgement");
        let calls = app.slack.wait_for("views.open", 1, WAIT).await;
        assert_eq!(calls[0].body["trigger_id"], "13345224609.738474920.8088930838d88f008e0");
        assert_eq!(calls[0].body["view"]["callback_id"], "add_prospect");
        assert_eq!(calls[0].bearer_token(), Some("xoxb-test-token"));
    }

    async fn the_modal_shows_field_errors_and_stores_nothing_until_valid(app) {
        let bad = view_submission(TEAM, ALICE, "add_prospect", "", json!({
            "name": {"value": text_input_value("")},
            "email": {"value": {"type": "email_text_input", "value": "not-an-email"}},
            "value": {"value": text_input_value("-3")},
        }), "V0BAD");
        let (status, body) = app.interact(&bad).await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["response_action"], "errors");
        assert!(answer["errors"]["name"].as_str().unwrap().contains("needs a name"));
        assert!(answer["errors"]["email"].as_str().unwrap().contains("not an email"));
        assert!(answer["errors"]["value"].as_str().unwrap().contains("negative"));
        assert!(app.snapshot(&TestApp::alice()).await.is_empty());

        let good = view_submission(TEAM, ALICE, "add_prospect", "", json!({
            "name": {"value": text_input_value("Grace Hopper")},
            "company": {"value": text_input_value("Navy")},
            "lead": {"value": static_select_value(Some("cold"))},
            "start": {"value": datepicker_value(Some("2026-11-04"))},
            "notes": {"value": text_input_value("met at the conference")},
        }), "V0GOOD");
        let (status, body) = app.interact(&good).await;
        assert_eq!((status, body.as_str()), (200, ""), "an empty 200 closes the modal");
        let stored = app.snapshot(&TestApp::alice()).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].prospect.cadence, CadenceId::Cold);
        assert_eq!(stored[0].touches[0].due_on, common::date(2026, 11, 6), "cold: day 2 after the chosen start");
        let dms = app.slack.wait_for("chat.postMessage", 1, WAIT).await;
        assert_eq!(dms[0].body["channel"], ALICE, "posted to the user id: the app's DM");
        assert_eq!(app.slack.count("conversations.open"), 0, "no DM to open first");
        let dm = reply_text(&dms[0].body);
        assert!(dm.contains("*Grace Hopper* · Navy") && dm.contains("Fri 6 Nov · touch 1 of 6"), "{dm}");
    }

    async fn list_due_and_show_describe_the_pipeline(app) {
        add(app, ALICE, "Jane Doe company:Acme value:5000 stage:qualified").await;
        let list = app.say(ALICE, "list").await;
        assert!(list.contains("Your pipeline (1)") && list.contains("*Jane Doe* · Acme") && list.contains("touch 1 of 6") && list.contains("$5,000") && list.contains("qualified"), "{list}");
        let due = app.say(ALICE, "due").await;
        assert!(due.contains("touch 1 of 6 · email + call"), "{due}");
        assert!(due.contains("Hi Jane, [✍ one personal sentence for Jane]"), "the suggested message, filled in: {due}");
        assert!(due.contains("Done ✅") && due.contains("Snooze") && due.contains("Replied"), "{due}");
        let show = app.say(ALICE, "show jane").await;
        assert!(show.contains("Mon 2 Nov · touch 1 of 6") && show.contains("*due*") && show.contains("Tue 1 Dec · touch 6 of 6"), "{show}");
    }

    async fn every_action_command_changes_what_it_names(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        assert!(app.say(ALICE, "done jane sent the deck").await.contains("Logged touch 1 of 6 for *Jane Doe*"));
        let state = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap();
        assert_eq!(state.touches[0].note.as_deref(), Some("sent the deck"));
        assert!(app.say(ALICE, "snooze jane 3d").await.contains("Snoozed touch 2 of 6"));
        let state = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap();
        assert_eq!(state.touches[1].due_on, common::date(2026, 11, 5));
        assert!(app.say(ALICE, "pause jane").await.contains("Paused"));
        assert!(app.say(ALICE, "resume jane").await.contains("Resumed"));
        assert!(app.say(ALICE, "replied jane wants a call").await.contains("replied"));
        assert!(app.say(ALICE, "won jane 8k").await.contains("Won: *Jane Doe* for $8,000"));
        let p = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap().prospect;
        assert_eq!((p.status, p.stage, p.replied_after_touch), (ProspectStatus::Won, Stage::Won, Some(1)));

        let bob = add(app, ALICE, "Bob Brown").await;
        assert!(app.say(ALICE, "lost bob budget cut").await.contains("lost"));
        assert_eq!(app.store.prospect_state(&TestApp::alice(), bob).await.unwrap().unwrap().prospect.close_reason.as_deref(), Some("budget cut"));
        assert!(app.say(ALICE, "nurture bob").await.contains("nurture"));
        assert_eq!(app.store.prospect_state(&TestApp::alice(), bob).await.unwrap().unwrap().prospect.cadence, CadenceId::Nurture);
        assert!(app.say(ALICE, &format!("stop #{bob}")).await.contains("Stopped"));
        assert!(app.say(ALICE, "cadences").await.contains("ten-week"));
        let stats = app.say(ALICE, "stats all").await;
        assert!(stats.contains("Response rate by touch") && stats.contains("100% (1/1)"), "{stats}");
        assert!(stats.contains("*Average touches to close*\n1.0") && stats.contains("$0 (won at touch 3+)"), "won at the first touch recovers nothing: {stats}");
        let settings = app.say(ALICE, "settings digest 07:30 tz America/New_York weekends on").await;
        assert!(settings.contains("07:30") && settings.contains("America/New_York") && settings.contains("Weekends *on*"), "{settings}");
        let saved = app.store.rep_settings(&TestApp::alice()).await.unwrap().unwrap();
        assert_eq!(saved.tz, Some(chrono_tz::America::New_York));
        assert!(!saved.weekends_off);
    }

    async fn an_ambiguous_name_offers_a_choice_and_changes_nothing(app) {
        add(app, ALICE, "Jane Doe").await;
        add(app, ALICE, "Janet Smith").await;
        let before = app.snapshot(&TestApp::alice()).await;
        let shown = app.say(ALICE, "done jan").await;
        assert!(shown.contains("Several prospects match; nothing changed"), "{shown}");
        assert!(shown.contains("`/followup done #") && shown.contains("Jane Doe") && shown.contains("Janet Smith"), "{shown}");
        assert_eq!(app.snapshot(&TestApp::alice()).await, before);
        // An exact full name is not ambiguous.
        assert!(app.say(ALICE, "done jane doe").await.contains("Logged"));
    }

    async fn a_typo_gets_a_helpful_suggestion(app) {
        let shown = app.say(ALICE, "snoze jane 3d").await;
        assert!(shown.contains("I don't know `snoze`. Did you mean `/followup snooze`?"), "{shown}");
        let unknown = app.say(ALICE, "done nobody").await;
        assert!(unknown.contains("couldn't find `nobody`"), "{unknown}");
    }

    async fn the_done_button_updates_the_message_in_place(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        add(app, ALICE, "Zed Zulu").await;
        let blocks = due_blocks(app, ALICE).await;
        let touch = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap().touches[0].id;
        let done = element(&blocks, &format!("act.{touch}"), "touch_done");
        let url = app.slack.response_url("digest");
        let payload = click(ALICE, TEAM, button_action("touch_done", done["value"].as_str().unwrap(), &format!("act.{touch}")), &blocks, &url);
        let (status, _) = app.interact(&payload).await;
        assert_eq!(status, 200);
        let updates = app.slack.wait_for(&common::fake_slack::FakeSlack::response_url_method("digest"), 1, WAIT).await;
        let update = &updates[0].body;
        assert_eq!(update["replace_original"], true);
        let text = reply_text(update);
        assert!(text.contains("Logged touch 1 of 6 for *Jane Doe*"), "{text}");
        assert!(text.contains("Zed Zulu"), "the other touch stays: {text}");
        assert!(!update["blocks"].as_array().unwrap().iter().any(|b| b["block_id"] == format!("act.{touch}")), "the clicked touch's buttons are gone");
        let state = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap();
        assert_eq!(state.touches[0].status, TouchStatus::Done);
    }

    async fn snooze_replied_and_the_menu_act_from_the_message(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let mark = add(app, ALICE, "Mark Twain").await;
        let bea = add(app, ALICE, "Bea Arthur").await;
        let blocks = due_blocks(app, ALICE).await;
        let touch_of = |id| async move { app.store.prospect_state(&TestApp::alice(), id).await.unwrap().unwrap().touches[0].id };
        let url = app.slack.response_url("digest");

        let t = touch_of(jane).await;
        let shift = format!("{jane}.{t}.1w.shift");
        assert!(element(&blocks, &format!("act.{t}"), "touch_snooze")["options"].as_array().unwrap().iter().any(|o| o["value"] == shift.as_str()));
        app.interact(&click(ALICE, TEAM, static_select_action("touch_snooze", &shift, &format!("act.{t}")), &blocks, &url)).await;
        let state = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap();
        assert_eq!(state.touches[0].due_on, common::date(2026, 11, 9));
        assert_eq!(state.touches[1].due_on, common::date(2026, 11, 11), "the rest moved a week too");

        let t = touch_of(mark).await;
        app.interact(&click(ALICE, TEAM, button_action("touch_replied", &format!("{mark}.{t}"), &format!("act.{t}")), &blocks, &url)).await;
        assert_eq!(app.store.prospect_state(&TestApp::alice(), mark).await.unwrap().unwrap().prospect.status, ProspectStatus::Replied);

        let t = touch_of(bea).await;
        app.interact(&click(ALICE, TEAM, overflow_action("prospect_more", &format!("{bea}.won"), &format!("act.{t}")), &blocks, &url)).await;
        assert_eq!(app.store.prospect_state(&TestApp::alice(), bea).await.unwrap().unwrap().prospect.status, ProspectStatus::Won);
        let updates = app.slack.wait_for(&common::fake_slack::FakeSlack::response_url_method("digest"), 3, WAIT).await;
        assert!(updates.iter().all(|u| u.body["replace_original"] == true));
    }

    async fn someone_elses_touch_is_refused_and_nothing_changes(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let blocks = due_blocks(app, ALICE).await;
        let touch = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap().touches[0].id;
        let before = app.snapshot(&TestApp::alice()).await;
        let url = app.slack.response_url("intruder");
        let value = format!("{jane}.{touch}");
        for (team, user) in [(TEAM, BOB), ("T0OTHER", ALICE)] {
            for action in [
                button_action("touch_done", &value, &format!("act.{touch}")),
                overflow_action("prospect_more", &format!("{jane}.lost"), &format!("act.{touch}")),
                static_select_action("touch_snooze", &format!("{value}.1d"), &format!("act.{touch}")),
            ] {
                let (status, _) = app.interact(&click(user, team, action, &blocks, &url)).await;
                assert_eq!(status, 200);
            }
        }
        let refusals = app.slack.wait_for(&common::fake_slack::FakeSlack::response_url_method("intruder"), 6, WAIT).await;
        for r in &refusals {
            assert_eq!(r.body["response_type"], "ephemeral");
            assert_eq!(r.body["replace_original"], false);
            assert!(r.body["text"].as_str().unwrap().contains("not on your list, so nothing changed"));
        }
        assert_eq!(app.snapshot(&TestApp::alice()).await, before);
    }

    async fn a_retried_or_double_click_changes_nothing_twice(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let blocks = due_blocks(app, ALICE).await;
        let touch = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap().touches[0].id;
        let url = app.slack.response_url("digest");
        let payload = click(ALICE, TEAM, button_action("touch_done", &format!("{jane}.{touch}"), &format!("act.{touch}")), &blocks, &url);
        assert_eq!(app.interact(&payload).await.0, 200);
        let retry = SignedPost::signed(SECRET, app.now_unix(), INTERACTIONS_PATH, FORM_CONTENT_TYPE, common::slack_requests::interaction_form_body(&payload)).with_retry(1, "http_timeout");
        assert_eq!(app.send(retry).await.status(), 200);
        assert_eq!(app.interact(&payload).await.0, 200);
        let state = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap();
        assert_eq!(state.prospect.touches_done, 1);
        assert_eq!(state.touches.iter().filter(|t| t.status == TouchStatus::Done).count(), 1);
        assert_eq!(state.touches[1].status, TouchStatus::Pending, "the second click did not log the next touch");
    }

    async fn bad_requests_are_refused_and_store_nothing(app) {
        add(app, ALICE, "Jane Doe").await;
        let before = app.snapshot(&TestApp::alice()).await;
        let body = common::slack_requests::SlashCommand::new("add Mallory").team_id(TEAM).user_id(ALICE).form_body();
        let post = |ts: i64, sig: Option<String>| {
            let mut p = SignedPost::signed(SECRET, ts, COMMANDS_PATH, FORM_CONTENT_TYPE, body.clone());
            if let Some(sig) = sig { p.signature = sig; }
            p
        };
        // Unsigned.
        let unsigned = app.http.post(format!("{}{COMMANDS_PATH}", app.base)).header("content-type", FORM_CONTENT_TYPE).body(body.clone()).send().await.unwrap();
        assert_eq!(unsigned.status(), 401);
        // Stale: six minutes old, and from the future.
        assert_eq!(app.send(post(app.now_unix() - 360, None)).await.status(), 401);
        assert_eq!(app.send(post(app.now_unix() + 360, None)).await.status(), 401);
        // Wrong secret, and a body changed after signing.
        assert_eq!(app.send(post(app.now_unix(), Some(sign("wrong-secret", app.now_unix(), body.as_bytes())))).await.status(), 401);
        let mut tampered = post(app.now_unix(), None);
        tampered.body = body.replace("Mallory", "Trudy").into_bytes();
        assert_eq!(app.send(tampered).await.status(), 401);
        // Oversize body.
        let huge = format!("team_id={TEAM}&user_id={ALICE}&text=add+{}", "x".repeat(100_000));
        assert_eq!(app.send(SignedPost::signed(SECRET, app.now_unix(), COMMANDS_PATH, FORM_CONTENT_TYPE, huge)).await.status(), 413);
        // Every Slack route sits behind the one signature layer, and each has its own size limit:
        // a click may carry a large message back (up to 1 MiB), a command may not.
        for path in [COMMANDS_PATH, INTERACTIONS_PATH, "/slack/events"] {
            let unsigned = app.http.post(format!("{}{path}", app.base)).header("content-type", FORM_CONTENT_TYPE).body("payload=%7B%7D").send().await.unwrap();
            assert_eq!(unsigned.status(), 401, "{path}");
        }
        let large_click = format!("payload=%7B%22type%22%3A%22block_actions%22%7D&pad={}", "x".repeat(100_000));
        assert_eq!(app.send(SignedPost::signed(SECRET, app.now_unix(), INTERACTIONS_PATH, FORM_CONTENT_TYPE, large_click)).await.status(), 400);
        let too_large_click = format!("payload=%7B%7D&pad={}", "x".repeat(1_100_000));
        assert_eq!(app.send(SignedPost::signed(SECRET, app.now_unix(), INTERACTIONS_PATH, FORM_CONTENT_TYPE, too_large_click)).await.status(), 413);
        // Malformed bodies, each with a reason.
        for (path, ctype, bad, reason) in [
            (COMMANDS_PATH, FORM_CONTENT_TYPE, "text=add+Mallory".to_string(), "not a slash command"),
            (INTERACTIONS_PATH, FORM_CONTENT_TYPE, "nopayload=1".to_string(), "missing the `payload` field"),
            (INTERACTIONS_PATH, FORM_CONTENT_TYPE, "payload=%7Bnot+json".to_string(), "not an interaction"),
            (INTERACTIONS_PATH, FORM_CONTENT_TYPE, "payload=%7B%22type%22%3A%22block_actions%22%7D".to_string(), "not an interaction"),
            ("/slack/events", "application/json", "{\"type\": \"mystery\"}".to_string(), "not an Events API body"),
        ] {
            let response = app.send(SignedPost::signed(SECRET, app.now_unix(), path, ctype, bad.clone())).await;
            assert_eq!(response.status(), 400, "{path} {bad}");
            assert!(response.text().await.unwrap().contains(reason), "{path} {bad}");
        }
        // An unknown action.
        let unknown = block_actions(TEAM, ALICE, vec![button_action("launch_rockets", "1.2", "act.2")], None, None, None, json!({"type": "message"}));
        let (status, reason) = app.interact(&unknown).await;
        assert_eq!(status, 400);
        assert!(reason.contains("unknown action"), "{reason}");
        assert_eq!(app.snapshot(&TestApp::alice()).await, before);
    }

    async fn events_answer_the_url_check_and_accept_app_home(app) {
        let response = app.event(&url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        let home = event_callback(TEAM, app_home_opened(ALICE));
        assert_eq!(app.event(&home).await.status(), 200);
        let retry = SignedPost::signed(SECRET, app.now_unix(), "/slack/events", "application/json", home.to_string()).with_retry(1, "http_timeout");
        assert_eq!(app.send(retry).await.status(), 200);
    }

    async fn names_from_people_never_ping_or_render_as_markup(app) {
        // As Slack sends typed text: `<`, `>` and `&` escaped.
        let shown = app.say(ALICE, "add \"&lt;!channel&gt; *bold* &lt;@U123&gt;\" company:\"&lt;!here&gt; &amp; _co_\"").await;
        assert!(!shown.contains("<!channel>") && !shown.contains("<@U123>") && !shown.contains("<!here>"), "{shown}");
        assert!(shown.contains("&lt;!channel&gt;") && shown.contains("&amp;"), "{shown}");
        assert!(!shown.contains("*bold*"), "the asterisks are broken up: {shown}");
        let stored = app.snapshot(&TestApp::alice()).await;
        assert_eq!(stored[0].prospect.name, "<!channel> *bold* <@U123>", "stored exactly as typed");
        for text in ["list", "due", "show bold"] {
            let (_, reply) = app.command(ALICE, text).await;
            let markup = common::app::markup_text(&reply);
            assert!(!markup.contains("<!channel>") && !markup.contains("<@U123>") && !markup.contains("<!here>"), "{text}: {markup}");
        }
        // The agenda draws the name in rich text, which Slack shows exactly: nothing to escape,
        // and what a rep copies is what was typed.
        let (_, due) = app.command(ALICE, "due").await;
        let entry = due["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "rich_text").expect("an agenda entry");
        assert_eq!(entry["elements"][0]["elements"][0]["text"], "<!channel> *bold* <@U123>");
    }

    async fn the_message_shortcut_opens_the_add_modal_with_the_message_as_the_note(app) {
        let shortcut = json!({
            "type": "message_action", "callback_id": "follow_up_on_this", "trigger_id": "12345.98765.abcd",
            "team": {"id": TEAM, "domain": "acme"}, "user": {"id": ALICE, "name": "alice"},
            "channel": {"id": "C1", "name": "sales"}, "message_ts": "1700000000.000200",
            "message": {"type": "message", "user": "U0PROSPECT", "ts": "1700000000.000200", "text": "Can you send pricing for 40 seats by Friday?"},
            "response_url": app.slack.response_url("shortcut"),
        });
        let (status, body) = app.interact(&shortcut).await;
        assert_eq!((status, body.as_str()), (200, ""));
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        assert_eq!(opened[0].body["trigger_id"], "12345.98765.abcd");
        assert_eq!(opened[0].body["view"]["callback_id"], "add_prospect");
        let notes = opened[0].body["view"]["blocks"].as_array().unwrap().iter().find(|b| b["block_id"] == "notes").unwrap();
        assert_eq!(notes["element"]["initial_value"], "Can you send pricing for 40 seats by Friday?");
        // The author's name, from users.info, is filled in once the form is open.
        let updated = app.slack.wait_for("views.update", 1, WAIT).await;
        let name = updated[0].body["view"]["blocks"].as_array().unwrap().iter().find(|b| b["block_id"] == "name").unwrap();
        assert_eq!(name["element"]["initial_value"], "User U0PROSPECT", "the author's name from users.info");
        assert!(updated[0].body["view_id"].as_str().is_some_and(|id| id.starts_with('V')), "the form just opened: {}", updated[0].body);
        // Used on the rep's own message, the first person it names is the prospect.
        let mut own = shortcut.clone();
        own["trigger_id"] = json!("222.333.own");
        own["message"]["user"] = json!(ALICE);
        own["message"]["text"] = json!("Met <@U0MET|met> at the fair, wants a demo");
        assert_eq!(app.interact(&own).await.0, 200);
        app.slack.wait_for("views.open", 2, WAIT).await;
        let updated = app.slack.wait_for("views.update", 2, WAIT).await;
        let name = updated[1].body["view"]["blocks"].as_array().unwrap().iter().find(|b| b["block_id"] == "name").unwrap();
        assert_eq!(name["element"]["initial_value"], "User U0MET");
        let mut unknown = shortcut.clone();
        unknown["callback_id"] = json!("something_else");
        assert_eq!(app.interact(&unknown).await.0, 400);
    }

    async fn the_shortcut_opens_its_form_at_once_while_the_authors_name_is_slow(app) {
        // users.info answers after 4 s; the trigger_id would be dead by then.
        app.slack.fail_next("users.info", 1, common::fake_slack::Failure::Delay(Duration::from_secs(4)));
        let shortcut = json!({
            "type": "message_action", "callback_id": "follow_up_on_this", "trigger_id": "999.888.slow",
            "team": {"id": TEAM, "domain": "acme"}, "user": {"id": ALICE, "name": "alice"},
            "channel": {"id": "C1", "name": "sales"}, "message_ts": "1700000000.000300",
            "message": {"type": "message", "user": "U0SLOW", "ts": "1700000000.000300", "text": "Pricing please"},
            "response_url": app.slack.response_url("slow"),
        });
        let started = std::time::Instant::now();
        assert_eq!(app.interact(&shortcut).await.0, 200);
        app.slack.wait_for("views.open", 1, WAIT).await;
        assert!(started.elapsed() < Duration::from_secs(2), "views.open waited for users.info: {:?}", started.elapsed());
        let updated = app.slack.wait_for("views.update", 1, Duration::from_secs(10)).await;
        let name = updated[0].body["view"]["blocks"].as_array().unwrap().iter().find(|b| b["block_id"] == "name").unwrap();
        assert_eq!(name["element"]["initial_value"], "User U0SLOW");
    }

    async fn opening_the_home_tab_shows_todays_agenda_and_a_click_there_redraws_it(app) {
        let jane = add(app, ALICE, "Jane Doe company:Acme").await;
        let response = app.event(&event_callback(TEAM, json!({"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home", "event_ts": "1700000000.1"}))).await;
        assert_eq!(response.status(), 200);
        let published = app.slack.wait_for("views.publish", 1, WAIT).await;
        assert_eq!(published[0].body["user_id"], ALICE);
        let view = &published[0].body["view"];
        assert_eq!(view["type"], "home");
        assert!(view["blocks"].as_array().unwrap().len() <= 100);
        let text = reply_text(view);
        assert!(text.contains("Add a prospect") && text.contains("*Jane Doe* · Acme") && text.contains("Done ✅"), "{text}");
        // The Messages tab does not redraw the Home tab.
        app.event(&event_callback(TEAM, json!({"type": "app_home_opened", "user": ALICE, "tab": "messages"}))).await;
        // A click on the Home tab: stored, and the Home tab drawn again.
        let touch = app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().unwrap().touches[0].id;
        let click = block_actions(TEAM, ALICE, vec![button_action("touch_done", &format!("{jane}.{touch}"), &format!("act.{touch}"))],
            None, None, None, json!({"type": "view", "view_id": "V0HOME"}));
        assert_eq!(app.interact(&click).await.0, 200);
        let published = app.slack.wait_for("views.publish", 2, WAIT).await;
        assert_eq!(published.len(), 2, "the Messages tab did not publish");
        assert!(reply_text(&published[1].body["view"]).contains("Nothing due today"), "{}", published[1].body);
    }

    async fn healthz_answers_while_the_database_does(app) {
        let response = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
}

#[test]
fn serve_refuses_to_start_without_a_signing_secret() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("x.db").display()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SLACK_SIGNING_SECRET is not set") && stderr.contains("Signing Secret"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}
