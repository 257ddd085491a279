//! Hostile text is stored exactly and rendered inert everywhere it is shown, within Block Kit's
//! limits. Through the real router, on both databases.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::app::{reply_text, TestApp, ALICE, TEAM};
use common::slack_requests::{event_callback, text_input_value, view_submission};
use followup::digest::Digester;
use followup::domain::{RepRef, RepSettings, TzSource};
use followup::service::Service;
use followup::slack::api::SlackApi;
use serde_json::{json, Value};

fn start_time() -> chrono::DateTime<chrono::Utc> {
    common::at(2026, 11, 2, 14, 0)
}

const NAMES: &[&str] = &[
    "Robert'); DROP TABLE prospects;-- <!channel>",
    "<!here> *bold* _it_ ~gone~ `code` <@U0EVIL> <#C0EVIL|general>",
    "ملاك الرحمن \u{202e}evil\u{202c} 山田太郎 🎉👩‍💼",
    "Zero\u{200b}Width & <https://evil.example.com|click me>",
];

const RAW: &[&str] = &[
    "<!channel>",
    "<!here>",
    "<@U0EVIL>",
    "<#C0EVIL",
    "<https://evil",
];

/// Text shown to people must carry no live mention, channel link or link markup, and stay
/// within Block Kit's limits.
fn assert_inert(what: &str, value: &Value, max_blocks: usize) {
    // Rich text and plain_text are shown exactly as they are: only mrkdwn can carry markup.
    let text = common::app::markup_text(value);
    for raw in RAW {
        assert!(!text.contains(raw), "{what}: live `{raw}` in {text}");
    }
    if let Some(blocks) = value.get("blocks").and_then(Value::as_array) {
        assert!(
            blocks.len() <= max_blocks,
            "{what}: {} blocks",
            blocks.len()
        );
        for block in blocks {
            if let Some(t) = block.pointer("/text/text").and_then(Value::as_str) {
                assert!(
                    t.chars().count() <= 3000,
                    "{what}: section text of {}",
                    t.chars().count()
                );
            }
            for field in block
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(
                    field["text"].as_str().unwrap_or("").chars().count() <= 2000,
                    "{what}: a long field"
                );
            }
            for element in block
                .get("elements")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(label) = element.pointer("/text/text").and_then(Value::as_str) {
                    assert!(
                        label.chars().count() <= 75 || element["type"] == "mrkdwn",
                        "{what}: button text"
                    );
                }
                if let Some(v) = element.get("value").and_then(Value::as_str) {
                    assert!(v.len() <= 2000);
                }
            }
        }
    }
}

on_both_apps! {
    async fn hostile_names_companies_and_notes_are_stored_exactly_and_shown_inert_everywhere(app) {
        let long_note = "Ünïcödé note with <!channel> and *stars* repeated. ".repeat(38);
        let long_note = long_note.trim().chars().take(2000).collect::<String>();
        let mut s = RepSettings::new(TestApp::alice());
        s.tz = Some(chrono_tz::UTC);
        s.tz_source = TzSource::Rep;
        app.store.save_rep_settings(&s, start_time()).await.unwrap();
        // The modal delivers text raw, exactly as typed.
        for (i, name) in NAMES.iter().enumerate() {
            let submission = view_submission(TEAM, ALICE, "add_prospect", "", json!({
                "name": {"value": text_input_value(name)},
                "company": {"value": text_input_value("<!everyone> O'Reilly & \"Sons\" %_ \\")},
                "notes": {"value": text_input_value(&long_note)},
            }), &format!("V{i}"));
            assert_eq!(app.interact(&submission).await, (200, String::new()), "{name}");
        }
        let dms = app.slack.wait_for("chat.postMessage", NAMES.len(), Duration::from_secs(5)).await;
        for dm in &dms {
            assert_inert("the add confirmation", &dm.body, 50);
        }
        let stored = app.snapshot(&TestApp::alice()).await;
        assert_eq!(stored.len(), NAMES.len());
        for (state, name) in stored.iter().zip(NAMES) {
            assert_eq!(state.prospect.name, *name, "stored exactly");
            assert_eq!(state.prospect.company.as_deref(), Some("<!everyone> O'Reilly & \"Sons\" %_ \\"));
            assert_eq!(state.prospect.notes.as_deref(), Some(long_note.as_str()));
        }
        for text in ["list", "due", "show #1", "show #3", "done #2 <!channel> called, said *yes*", "stats all"] {
            let (status, reply) = app.command(ALICE, text).await;
            assert_eq!(status, 200);
            assert_inert(text, &reply, 50);
        }
        // The digest and the Home tab.
        let service = Arc::new(Service::new(app.store.clone(), app.clock.clone(), chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        let api = SlackApi::new(&app.slack.api_url(), Some("xoxb-test".into())).unwrap();
        let digester = Digester::new(service, Arc::new(api), 2);
        assert_eq!(digester.run_pass(common::at(2026, 11, 3, 9, 0), false).await.unwrap().sent.len(), 1);
        let digest = app.slack.calls_to("chat.postMessage").pop().unwrap();
        assert!(reply_text(&digest.body).contains("Good morning"));
        assert_inert("the digest", &digest.body, 50);
        app.event(&event_callback(TEAM, json!({"type": "app_home_opened", "user": ALICE, "tab": "home"}))).await;
        let home = app.slack.wait_for("views.publish", 1, Duration::from_secs(5)).await.remove(0);
        assert_inert("the Home tab", &home.body["view"], 100);
    }

    async fn text_typed_in_a_slash_command_comes_back_as_typed(app) {
        // Slack escapes a typed `<`, `>` and `&`; a typed @channel arrives as <!channel>.
        let (status, reply) = app.command(ALICE, "add &lt;script&gt; &amp; <!channel> company:\"<#C0EVIL|general>\"").await;
        assert_eq!(status, 200);
        assert_inert("add", &reply, 50);
        let p = &app.snapshot(&TestApp::alice()).await[0].prospect;
        assert_eq!(p.name, "<script> & @channel");
        assert_eq!(p.company.as_deref(), Some("#general"));
        let shown = reply_text(&app.command(ALICE, "list").await.1);
        assert!(shown.contains("&lt;script&gt; &amp; @channel"), "{shown}");
        let _ = RepRef::new(TEAM, ALICE);
    }
}
