//! A rep's real week, through the real router on both databases: acting from the digest without
//! another command (phone, email with the message filled in, LinkedIn, the last note), and
//! logging what happened (channel used, outcome, note) by command or through the Log… form.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::at;
use common::fake_slack::FakeSlack;
use common::slack_requests::{
    block_actions, bot_message, button_action, message_container, static_select_value,
    text_input_value, view_submission,
};
use followup::clock::Clock;
use followup::domain::{Channel, ProspectState, TouchOutcome, TouchStatus};
use serde_json::{json, Value};

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

const WAIT: Duration = Duration::from_secs(5);

async fn add(app: &TestApp, text: &str) -> i64 {
    app.add_prospect(ALICE, text).await
}

async fn state(app: &TestApp, id: i64) -> ProspectState {
    app.alice_prospect(id).await
}

/// The agenda entry (a rich text block) for touch `touch` in `blocks`.
fn entry(blocks: &Value, touch: i64) -> &Value {
    blocks
        .as_array()
        .and_then(|b| b.iter().find(|b| b["block_id"] == format!("touch.{touch}")))
        .unwrap_or_else(|| panic!("no entry for touch {touch} in {blocks}"))
}

/// Every text and link element of a rich text block, in order.
fn elements(block: &Value) -> Vec<&Value> {
    block["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|part| part["elements"].as_array().into_iter().flatten())
        .collect()
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("a percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

on_both_apps! {
    async fn every_value_a_rep_copies_from_the_digest_is_exactly_what_was_stored(app) {
        let id = add(app, "Jane_Doe *Smith* jane_doe@acme_corp.com phone:\"+1 (415) 555-0100\" \
            linkedin:https://www.linkedin.com/in/jane_doe_1 company:\"Acme_Co ~Ltd~\" lead:warm").await;
        let stored = state(app, id).await;
        let (_, due) = app.command(ALICE, "due").await;
        let block = entry(&due["blocks"], stored.touches[0].id);
        let els = elements(block);
        let texts: Vec<&str> = els.iter().filter_map(|e| e["text"].as_str()).collect();
        assert_eq!(texts[0], "Jane_Doe *Smith*", "the name as typed");
        assert!(texts.iter().any(|t| t.contains("Acme_Co ~Ltd~")), "{texts:?}");
        let link = |prefix: &str| els.iter().find(|e| e["type"] == "link" && e["url"].as_str().unwrap_or_default().starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} link in {block}"));
        let phone = link("tel:");
        assert_eq!(phone["url"], "tel:+14155550100");
        assert_eq!(phone["text"].as_str(), stored.prospect.phone.as_deref());
        let email = link("mailto:");
        assert_eq!(email["text"].as_str(), stored.prospect.email.as_deref());
        let url = email["url"].as_str().unwrap();
        assert!(url.starts_with("mailto:jane_doe@acme_corp.com?subject="), "{url}");
        let body = percent_decode(url.split("&body=").nth(1).expect("a body"));
        let quote = block["elements"].as_array().unwrap().iter().find(|p| p["type"] == "rich_text_quote").expect("the message");
        assert_eq!(quote["elements"][0]["text"].as_str(), Some(body.as_str()), "the email opens with the suggested message");
        let linkedin = link("https://www.linkedin.com/");
        assert_eq!(linkedin["text"].as_str(), stored.prospect.linkedin.as_deref());
        // Nothing invisible anywhere a rep may copy from.
        let whole = block.to_string();
        assert!(!whole.contains('\u{200B}') && !whole.contains("\\u200b"), "{whole}");
    }

    async fn a_touch_that_needs_a_number_the_record_lacks_says_so_until_one_is_added(app) {
        // The ten-week cadence opens with a call, a voicemail and an email: only the email is known.
        let id = add(app, "Jane Doe jane@acme.com company:Acme cadence:ten-week").await;
        let first = state(app, id).await.touches[0].id;
        let texts = |due: &Value| -> Vec<String> {
            elements(entry(&due["blocks"], first)).iter().filter_map(|e| e["text"].as_str().map(String::from)).collect()
        };
        let hint = format!("⚠️ No phone number on file for this touch: /followup edit #{id} phone:… adds it.");
        let (_, due) = app.command(ALICE, "due").await;
        assert!(texts(&due).contains(&hint), "{:?}", texts(&due));

        let edited = app.say(ALICE, &format!("edit #{id} phone:+1 415 555 0100")).await;
        assert!(!edited.contains("⚠️"), "{edited}");
        let (_, due) = app.command(ALICE, "due").await;
        let after = texts(&due);
        assert!(!after.iter().any(|t| t.contains("No phone number")), "{after:?}");
        assert!(after.iter().any(|t| t == "+1 415 555 0100"), "the number, to dial: {after:?}");
    }

    async fn done_records_the_channel_used_the_outcome_and_the_note(app) {
        let id = add(app, "Jane Doe company:Acme cadence:ten-week").await;
        let shown = app.say(ALICE, "done jane via:call outcome:connected talked budget, send pricing by Friday").await;
        assert!(shown.contains("Logged touch 1 of 10 for *Jane Doe* · Acme by call (connected)"), "{shown}");
        let s = state(app, id).await;
        assert_eq!(s.touches[0].status, TouchStatus::Done);
        assert_eq!(s.touches[0].channel, Some(Channel::Call));
        assert_eq!(s.touches[0].outcome, Some(TouchOutcome::Connected));
        assert_eq!(s.touches[0].note.as_deref(), Some("talked budget, send pricing by Friday"));
        assert_eq!(s.prospect.last_note.as_deref(), Some("talked budget, send pricing by Friday"));

        let shown = app.say(ALICE, "show jane").await;
        assert!(shown.contains("Mon 2 Nov · touch 1 of 10 · by call · connected — _talked budget, send pricing by Friday_"), "{shown}");

        // Without via: the step's first channel; a bad word is explained and nothing changes.
        let shown = app.say(ALICE, "done jane outcome:maybe").await;
        assert!(shown.contains("`maybe` is not an outcome"), "{shown}");
        assert_eq!(state(app, id).await.prospect.touches_done, 1);

        // The next morning the digest shows what happened last time.
        app.clock.set(at(2026, 11, 4, 14, 0));
        let (_, due) = app.command(ALICE, "due").await;
        let text = reply_text(&due);
        assert!(text.contains("_last contact Mon 2 Nov by call_") && text.contains("_talked budget, send pricing by Friday_"), "{text}");
    }

    async fn the_log_form_logs_the_touch_and_updates_the_message(app) {
        let id = add(app, "Jane Doe cadence:proposal").await;
        let touch = state(app, id).await.touches[0].id;
        let (_, due) = app.command(ALICE, "due").await;
        let log = due["blocks"].as_array().unwrap().iter()
            .filter_map(|b| b["elements"].as_array())
            .flatten()
            .find(|e| e["action_id"] == "touch_log")
            .cloned()
            .expect("a Log… button");
        assert_eq!(log["value"], format!("{id}.{touch}"));
        let click = block_actions(TEAM, ALICE, vec![button_action("touch_log", &format!("{id}.{touch}"), &format!("act.{touch}"))],
            Some(&app.slack.response_url("digest")), Some(bot_message("1700000000.000100", "Today", due["blocks"].clone())),
            Some("D0ALICE"), message_container("D0ALICE", "1700000000.000100", false));
        assert_eq!(app.interact(&click).await.0, 200);
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        let view = &opened[0].body["view"];
        assert_eq!(view["callback_id"], "log_touch");
        assert!(reply_text(view).contains("Jane Doe · touch 1 of 6"), "{view}");
        assert_eq!(view["blocks"][1]["element"]["initial_option"]["value"], "email", "the step's first channel");
        let meta = view["private_metadata"].as_str().unwrap().to_string();

        let values = json!({
            "channel": {"value": static_select_value(Some("call"))},
            "outcome": {"value": static_select_value(Some("voicemail"))},
            "note": {"value": text_input_value("left a voicemail about the proposal")},
        });
        let submit = view_submission(TEAM, ALICE, "log_touch", &meta, values, "V0LOG");
        let (status, body) = app.interact(&submit).await;
        assert_eq!(status, 200);
        assert!(body.is_empty(), "the form closes: {body}");
        let s = state(app, id).await;
        assert_eq!(s.touches[0].status, TouchStatus::Done);
        assert_eq!(s.touches[0].channel, Some(Channel::Call));
        assert_eq!(s.touches[0].outcome, Some(TouchOutcome::Voicemail));
        assert_eq!(s.touches[0].note.as_deref(), Some("left a voicemail about the proposal"));
        let updates = app.slack.wait_for(&FakeSlack::response_url_method("digest"), 1, WAIT).await;
        let text = reply_text(&updates[0].body);
        assert!(text.contains("Logged touch 1 of 6 for *Jane Doe* by call (voicemail)"), "{text}");
        assert!(updates[0].body["blocks"].as_array().unwrap().iter().any(|b| b["block_id"] == "undo.reply"), "an Undo");

        // Bob cannot open a form on Alice's touch.
        let intruder = block_actions(TEAM, BOB, vec![button_action("touch_log", &format!("{id}.{touch}"), &format!("act.{touch}"))],
            Some(&app.slack.response_url("bob")), None, Some("D0BOB"), message_container("D0BOB", "1700000000.000200", false));
        assert_eq!(app.interact(&intruder).await.0, 200);
        let told = app.slack.wait_for(&FakeSlack::response_url_method("bob"), 1, WAIT).await;
        assert!(reply_text(&told[0].body).contains("not on your list"));
        assert_eq!(app.slack.count("views.open"), 1);
    }
}

on_both_apps! {
    async fn edit_changes_only_the_named_fields_and_says_what_changed(app) {
        let id = add(app, "Jane Doe jane@acme.com company:Acme value:10k cadence:ten-week").await;
        let before = state(app, id).await;
        let shown = app.say(ALICE, "edit jane stage:proposal value:40k company:Acme Corp prefers:email").await;
        for change in ["stage inquiry → proposal", "value $10,000 → $40,000", "company Acme → Acme Corp", "prefers — → email"] {
            assert!(shown.contains(change), "{change}: {shown}");
        }
        assert!(!shown.contains("email jane"), "only what changed: {shown}");
        let after = state(app, id).await;
        assert_eq!(after.prospect.stage.as_str(), "proposal");
        assert_eq!(after.prospect.company.as_deref(), Some("Acme Corp"));
        assert_eq!(after.prospect.prefers, Some(Channel::Email));
        assert_eq!(after.prospect.email, before.prospect.email);
        assert_eq!(after.touches, before.touches, "the cadence is untouched");
        let (_, due) = app.command(ALICE, "due").await;
        assert!(reply_text(&due).contains("prefers email"), "{}", reply_text(&due));

        // A slower pace spaces the rest again from the next touch; a bad field changes nothing.
        app.say(ALICE, "edit jane pace:slow").await;
        let slow = state(app, id).await;
        assert_eq!(slow.touches[0].due_on, before.touches[0].due_on, "the next touch keeps its day");
        assert!(slow.touches[1].due_on > before.touches[1].due_on, "{:?}", slow.touches);
        let shown = app.say(ALICE, "edit jane budget:50k").await;
        assert!(shown.contains("no field `budget:`"), "{shown}");
        let shown = app.say(ALICE, "edit jane email:not-an-email").await;
        assert!(shown.contains("is not an email address"), "{shown}");
        assert_eq!(state(app, id).await.prospect.email, before.prospect.email);
        // Cleared with a dash.
        app.say(ALICE, "edit jane company:-").await;
        assert_eq!(state(app, id).await.prospect.company, None);
    }

    async fn move_takes_the_prospect_to_another_cadence_from_its_start(app) {
        let id = add(app, "Dana Reyes cadence:ten-week").await;
        app.say(ALICE, "done dana").await;
        let shown = app.say(ALICE, "move dana proposal start:2026-11-09").await;
        assert!(shown.contains("is on the `proposal` cadence now") && shown.contains("9 open touches of the old cadence were skipped"), "{shown}");
        let s = state(app, id).await;
        assert_eq!(s.prospect.cadence.as_str(), "proposal");
        assert_eq!(s.prospect.touches_done, 1, "history kept");
        assert_eq!(s.touches.len(), 6);
        assert_eq!(s.touches[0].due_on, common::date(2026, 11, 9));
        let shown = app.say(ALICE, "move dana warp-speed").await;
        assert!(shown.contains("no cadence called `warp-speed`"), "{shown}");
        let shown = app.say(ALICE, "move dana").await;
        assert!(shown.contains("move to which cadence?"), "{shown}");
    }

    async fn next_sets_a_dated_step_shown_on_its_day_and_clears_the_cadence_around_it(app) {
        // proposal from Mon 2 Nov: 2, 4, 9, 16, 23 Nov, 1 Dec.
        let id = add(app, "Jane Doe cadence:proposal").await;
        let shown = app.say(ALICE, "next jane 2026-11-10 call after the board meeting").await;
        assert!(shown.contains("Next step with *Jane Doe* on Tue 10 Nov") && shown.contains("2 cadence touches moved past it"), "{shown}");
        let s = state(app, id).await;
        let extra = s.touches.iter().find(|t| t.is_extra()).expect("the next step");
        assert_eq!((extra.due_on, extra.channel, extra.note.as_deref()), (common::date(2026, 11, 10), Some(Channel::Call), Some("after the board meeting")));
        let cadence: Vec<_> = s.touches.iter().filter(|t| !t.is_extra()).map(|t| t.due_on).collect();
        assert_eq!(cadence[1], common::date(2026, 11, 4), "a touch well before it stays");
        assert_eq!(cadence[2], common::date(2026, 11, 13), "Mon 9 was within two days: it moves past");
        assert_eq!(cadence[3], common::date(2026, 11, 17), "and the one after keeps its rest");

        let week = app.say(ALICE, "week").await;
        assert!(week.contains("Today · Mon 2 Nov* (1)") && week.contains("Wed 4 Nov* (1)") && !week.contains("Tue 10 Nov"), "{week}");
        app.say(ALICE, "done jane").await;
        app.say(ALICE, "done jane").await;
        app.clock.set(at(2026, 11, 5, 14, 0));
        let week = app.say(ALICE, "week").await;
        assert!(week.contains("Tue 10 Nov* (1)") && week.contains("next step · call — _after the board meeting_"), "{week}");

        app.clock.set(at(2026, 11, 10, 14, 0));
        let (_, due) = app.command(ALICE, "due").await;
        let text = reply_text(&due);
        assert!(text.contains("next step · call") && text.contains("after the board meeting"), "{text}");
        let shown = app.say(ALICE, "done jane via:call outcome:connected they signed off the budget").await;
        assert!(shown.contains("Logged next step for *Jane Doe* by call (connected)"), "{shown}");
        let after = state(app, id).await;
        assert_eq!(after.prospect.status.as_str(), "active", "the cadence goes on");
        assert_eq!(after.touches.iter().filter(|t| t.status == TouchStatus::Pending).map(|t| t.due_on).min(), Some(common::date(2026, 11, 13)));
        let shown = app.say(ALICE, "next jane 2026-11-01 call").await;
        assert!(shown.contains("in the past"), "{shown}");
    }

    async fn the_edit_button_under_show_opens_the_fields_and_saves_what_changed(app) {
        let id = add(app, "Jane Doe jane@acme.com company:Acme").await;
        let (_, shown) = app.command(ALICE, "show jane").await;
        let button = shown["blocks"].as_array().unwrap().iter()
            .filter_map(|b| b["elements"].as_array()).flatten()
            .find(|e| e["action_id"] == "prospect_edit").cloned().expect("an Edit button");
        let click = block_actions(TEAM, ALICE, vec![button_action("prospect_edit", button["value"].as_str().unwrap(), &format!("show_act.{id}"))],
            Some(&app.slack.response_url("show")), None, Some("D0ALICE"), message_container("D0ALICE", "1700000000.000300", true));
        assert_eq!(app.interact(&click).await.0, 200);
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        let view = &opened[0].body["view"];
        assert_eq!(view["callback_id"], "edit_prospect");
        assert_eq!(view["blocks"][0]["element"]["initial_value"], "Jane Doe");
        let values = json!({
            "name": {"value": text_input_value("Jane Doe-Smith")},
            "company": {"value": text_input_value("Acme")},
            "email": {"value": text_input_value("jane@acme.com")},
            "phone": {"value": text_input_value("")},
            "linkedin": {"value": text_input_value("")},
            "stage": {"value": static_select_value(Some("qualified"))},
            "value": {"value": text_input_value("12.5k")},
            "lead": {"value": static_select_value(None)},
            "pace": {"value": static_select_value(Some("normal"))},
            "prefers": {"value": static_select_value(Some("call"))},
        });
        let submit = view_submission(TEAM, ALICE, "edit_prospect", view["private_metadata"].as_str().unwrap(), values, "V0EDIT");
        let (status, body) = app.interact(&submit).await;
        assert_eq!((status, body.as_str()), (200, ""));
        let s = state(app, id).await;
        assert_eq!(s.prospect.name, "Jane Doe-Smith");
        assert_eq!(s.prospect.stage.as_str(), "qualified");
        assert_eq!(s.prospect.value.map(|v| v.cents()), Some(1_250_000));
        let updates = app.slack.wait_for(&FakeSlack::response_url_method("show"), 1, WAIT).await;
        let text = reply_text(&updates[0].body);
        assert!(text.contains("name Jane Doe → Jane Doe-Smith") && text.contains("stage inquiry → qualified") && !text.contains("company Acme →"), "{text}");
        // A bad value keeps the form open with the problem under its field; nothing changes.
        let bad = json!({"name": {"value": text_input_value("Jane")}, "email": {"value": text_input_value("nope")}});
        let submit = view_submission(TEAM, ALICE, "edit_prospect", view["private_metadata"].as_str().unwrap(), bad, "V0EDIT");
        let (_, body) = app.interact(&submit).await;
        assert!(body.contains("\"email\"") && body.contains("not an email address"), "{body}");
        assert_eq!(state(app, id).await.prospect.name, "Jane Doe-Smith");
    }
}

on_both_apps! {
    async fn a_hot_lead_s_add_reply_leads_with_the_call_to_make_now(app) {
        let (_, reply) = app.command(ALICE, "add Kevin Walsh +1 415 555 0100 company:Initech lead:hot").await;
        let blocks = reply["blocks"].as_array().unwrap();
        let first_step = blocks.iter().position(|b| b["block_id"].as_str().is_some_and(|id| id.starts_with("call_now."))).expect("a Call now block");
        assert_eq!(first_step, 1, "right under the confirmation, before the schedule");
        let call = &blocks[first_step];
        let els = elements(call);
        assert!(els.iter().any(|e| e["text"] == "📞 Call now"), "{call}");
        assert!(els.iter().any(|e| e["type"] == "link" && e["url"] == "tel:+14155550100" && e["text"] == "+1 415 555 0100"), "{call}");
        let opening = call["elements"][1]["elements"][0]["text"].as_str().unwrap_or_default();
        assert!(opening.starts_with("Hi Kevin"), "the opening line: {opening}");
        let (_, cold) = app.command(ALICE, "add Cal Cold lead:cold").await;
        assert!(!cold["blocks"].as_array().unwrap().iter().any(|b| b["block_id"].as_str().is_some_and(|id| id.starts_with("call_now."))));
    }
}

on_both_apps! {
    async fn a_lost_deal_still_counts_in_the_funnel_for_how_far_it_got(app) {
        add(app, "Jane Doe company:Acme").await;
        add(app, "Bo Berg company:Globex").await;
        app.say(ALICE, "edit jane stage:qualified").await;
        app.say(ALICE, "lost jane went with a competitor").await;
        let shown = app.say(ALICE, "stats").await;
        assert!(shown.contains("2 inquiry → 1 sales-ready → 1 qualified → 0 won"), "{shown}");
    }
}

on_both_apps! {
    async fn a_recap_keeps_the_promises_of_a_meeting_until_they_are_delivered(app) {
        let id = add(app, "Jane Doe jane@acme.com company:Acme cadence:ten-week").await;
        let (status, reply) = app.command(ALICE, "recap jane").await;
        assert_eq!(status, 200);
        assert!(reply.is_null() || reply_text(&reply).is_empty(), "the form opens instead: {reply}");
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        let view = &opened[0].body["view"];
        assert_eq!(view["callback_id"], "meeting_recap");
        let values = json!({
            "discussed": {"value": text_input_value("their Q1 rollout and the security review")},
            "mine": {"value": text_input_value("send pricing by fri\nintro to our security lead")},
            "theirs": {"value": text_input_value("confirm budget with finance by 2026-11-13")},
            "next_meeting": {"value": {"type": "datepicker", "selected_date": "2026-11-16"}},
        });
        let submit = view_submission(TEAM, ALICE, "meeting_recap", view["private_metadata"].as_str().unwrap(), values, "V0RECAP");
        let (status, body) = app.interact(&submit).await;
        assert_eq!((status, body.as_str()), (200, ""), "the form closes");
        let posted = app.slack.wait_for(&FakeSlack::response_url_method("cmd"), 1, WAIT).await;
        let text = reply_text(&posted[0].body);
        assert!(text.contains("Recap saved for *Jane Doe*: 2 of your items, 1 of theirs, on the `recap` cadence"), "{text}");
        assert!(text.contains("From my side:\n- send pricing (by Fri 6 Nov)\n- intro to our security lead"), "{text}");
        assert!(text.contains("From yours, whenever it suits:\n- confirm budget with finance (by Fri 13 Nov)"), "{text}");
        assert!(text.contains("We meet again on Mon 16 Nov.") && text.contains("We meet again on Mon 16 Nov.\n\nDid I capture everything?"), "{text}");
        assert!(posted[0].body.to_string().contains("mailto:jane@acme.com?subject=Recap%3A%20Acme&body=Hi%20Jane"), "the email opens ready to send");

        let s = state(app, id).await;
        assert_eq!(s.prospect.cadence.as_str(), "recap");
        assert!(s.touches.iter().any(|t| t.is_extra() && t.due_on == common::date(2026, 11, 16) && t.channel == Some(Channel::Meeting)), "the next meeting is a dated step");
        let items = app.say(ALICE, "items").await;
        assert!(items.contains("send pricing — *Jane Doe* #1 · due Fri 6 Nov") && items.contains("confirm budget with finance"), "{items}");

        // The rep sends the drafted recap and logs it.
        app.say(ALICE, "done jane via:email outcome:sent the recap").await;
        // Friday: the promise is in the digest with Delivered, and the recap touch delivers it
        // and asks about theirs.
        app.clock.set(at(2026, 11, 6, 14, 0));
        let (_, due) = app.command(ALICE, "due").await;
        let text = reply_text(&due);
        assert!(text.contains("You promised Jane Doe:* send pricing"), "{text}");
        assert!(text.contains("Here is the first thing I promised: send pricing") && text.contains("How is confirm budget with finance coming along?"), "{text}");
        let item = app.store.open_items(&TestApp::alice(), None).await.unwrap().into_iter().find(|i| i.text == "send pricing").unwrap();
        let click = block_actions(TEAM, ALICE, vec![button_action("item_delivered", &item.id.to_string(), &format!("item_act.{}", item.id))],
            Some(&app.slack.response_url("digest")), Some(bot_message("1700000000.000100", "Today", due["blocks"].clone())),
            Some("D0ALICE"), message_container("D0ALICE", "1700000000.000100", false));
        assert_eq!(app.interact(&click).await.0, 200);
        let updated = app.slack.wait_for(&FakeSlack::response_url_method("digest"), 1, WAIT).await;
        assert!(reply_text(&updated[0].body).contains("Delivered"), "{}", updated[0].body);
        let open = app.store.open_items(&TestApp::alice(), Some(id)).await.unwrap();
        assert_eq!(open.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(), vec!["confirm budget with finance", "intro to our security lead"]);
        // Bob cannot deliver Alice's promise.
        let theirs = open[0].id;
        assert!(!app.store.deliver_item(&followup::domain::RepRef::new(TEAM, BOB), theirs, app.clock.now()).await.unwrap());
    }
}

on_both_apps! {
    async fn a_click_on_the_largest_digest_is_accepted(app) {
        // As long as names and companies may be: the click brings the whole digest back.
        for i in 0..30 {
            let name = format!("{i:02} {}", "Maximiliana-Alexandria ".repeat(8).trim());
            let company = "Consolidated Intergalactic Widgets & Sprockets Holding ".repeat(3);
            add(app, &format!("\"{name}\" company:\"{}\" email:buyer{i}@consolidated-intergalactic.example lead:warm", company.trim())).await;
        }
        let report = app.digest_pass().await;
        assert_eq!(report.sent.len(), 1);
        let posted = app.slack.wait_for("chat.postMessage", 1, WAIT).await;
        let blocks = posted[0].body["blocks"].clone();
        assert!(blocks.as_array().unwrap().len() <= 50);
        let (block_id, done) = blocks.as_array().unwrap().iter()
            .filter_map(|b| b["elements"].as_array().map(|e| (b["block_id"].as_str().unwrap_or_default().to_string(), e.clone())))
            .find_map(|(id, els)| els.into_iter().find(|e| e["action_id"] == "touch_done").map(|e| (id, e)))
            .expect("a Done button");
        let payload = block_actions(TEAM, ALICE, vec![button_action("touch_done", done["value"].as_str().unwrap(), &block_id)],
            Some(&app.slack.response_url("big")), Some(bot_message("1700000000.000100", "Good morning", blocks.clone())),
            Some("D0ALICE"), message_container("D0ALICE", "1700000000.000100", false));
        let size = common::slack_requests::interaction_form_body(&payload).len();
        assert!(size > 64 * 1024, "the test must exceed the old limit: {size} bytes");
        let (status, body) = app.interact(&payload).await;
        assert_eq!(status, 200, "{body}");
        let updates = app.slack.wait_for(&FakeSlack::response_url_method("big"), 1, WAIT).await;
        assert!(reply_text(&updates[0].body).contains("Logged touch 1 of 9"), "{}", reply_text(&updates[0].body));
    }
}
