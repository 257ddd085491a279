//! A rep's first weeks, through the real router on both databases: one agenda entry per
//! prospect, a Done that catches up instead of stacking, the digest brought up to date after each
//! click, Undo and confirmations, away mode that dates nothing inside an absence, team holidays.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::fake_slack::FakeSlack;
use common::slack_requests::{
    block_actions, button_action, find_element, message_container, overflow_action,
    static_select_action,
};
use common::{at, date};
use followup::domain::{ProspectState, ProspectStatus, TouchStatus};
use serde_json::{json, Value};

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

const WAIT: Duration = Duration::from_secs(5);

/// Adds a prospect through the slash command and answers its id.
async fn add(app: &TestApp, user: &str, text: &str) -> i64 {
    app.add_prospect(user, text).await
}

async fn state(app: &TestApp, id: i64) -> ProspectState {
    app.alice_prospect(id).await
}

fn pending_dates(state: &ProspectState) -> Vec<NaiveDate> {
    state
        .touches
        .iter()
        .filter(|t| t.status == TouchStatus::Pending)
        .map(|t| t.due_on)
        .collect()
}

async fn due_blocks(app: &TestApp) -> Value {
    let (status, reply) = app.command(ALICE, "due").await;
    assert_eq!(status, 200);
    reply["blocks"].clone()
}

/// The block with this id, if the message has one.
fn find_block<'a>(blocks: &'a Value, block_id: &str) -> Option<&'a Value> {
    blocks
        .as_array()?
        .iter()
        .find(|b| b["block_id"].as_str() == Some(block_id))
}

/// [`find_element`], or `None` when the message has no such button.
fn find_element_opt(
    blocks: &Value,
    action_id: &str,
    value_prefix: &str,
) -> Option<(String, Value)> {
    let has = blocks.as_array()?.iter().any(|b| {
        b["elements"].as_array().into_iter().flatten().any(|e| {
            e["action_id"] == action_id
                && e["value"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with(value_prefix)
        })
    });
    has.then(|| find_element(blocks, action_id, value_prefix))
}

fn done_click(blocks: &Value, prospect: i64) -> Value {
    let (block_id, done) = find_element(blocks, "touch_done", &format!("{prospect}."));
    button_action(
        "touch_done",
        done["value"].as_str().expect("value"),
        &block_id,
    )
}

fn undo_click(blocks: &Value) -> Value {
    let (block_id, undo) = find_element(blocks, "undo", "");
    button_action("undo", undo["value"].as_str().expect("value"), &block_id)
}

on_both_apps! {
    async fn a_prospect_behind_on_several_touches_is_listed_once_and_done_catches_up(app) {
        // ten-week from Mon 2 Nov: 2, 4, 6, 16, 18, 20 Nov, 7, 9, 11 Dec, 4 Jan.
        let maria = add(app, ALICE, "Maria Chen company:Initech cadence:ten-week").await;
        add(app, ALICE, "Zed Zulu cadence:proposal start:2026-11-20").await;
        app.clock.set(at(2026, 11, 20, 14, 0));
        let blocks = due_blocks(app).await;
        let shown = reply_text(&json!({"blocks": blocks}));
        assert_eq!(shown.matches("Maria Chen").count(), 1, "listed once: {shown}");
        assert!(shown.contains("touch 1 of 10") && shown.contains("5 more touches behind"), "{shown}");
        assert!(shown.contains("1 due today · 1 overdue · 5 more touches behind"), "{shown}");

        let update = app.click_and_update(done_click(&blocks, maria), &blocks, "due").await;
        let text = reply_text(&update);
        assert!(text.contains("Logged touch 1 of 10"), "{text}");
        assert!(text.contains("4 missed touches were skipped"), "{text}");
        assert!(text.contains("Next touch Tue 24 Nov"), "never in the past, never the working day after: {text}");

        let s = state(app, maria).await;
        let statuses: Vec<TouchStatus> = s.touches.iter().map(|t| t.status).collect();
        assert_eq!(&statuses[..6], &[TouchStatus::Done, TouchStatus::Skipped, TouchStatus::Skipped,
            TouchStatus::Skipped, TouchStatus::Skipped, TouchStatus::Pending]);
        assert_eq!(pending_dates(&s), vec![date(2026, 11, 24), date(2026, 12, 9), date(2026, 12, 11),
            date(2026, 12, 15), date(2027, 1, 6)], "the rest keeps its gaps from today");
        assert!(!reply_text(&json!({"blocks": due_blocks(app).await})).contains("Maria Chen"));
    }

    async fn the_digest_header_counts_and_hot_lead_flag_follow_the_clicks(app) {
        let kevin = add(app, ALICE, "Kevin Walsh lead:hot").await;
        let ana = add(app, ALICE, "Ana Lima cadence:proposal").await;
        add(app, ALICE, "Bo Berg cadence:proposal").await;
        // Wednesday: all three late, Kevin a hot lead untouched for two days.
        app.clock.set(at(2026, 11, 4, 9, 0));
        let report = app.digest_pass().await;
        assert_eq!(report.sent.len(), 1);
        let posted = app.slack.wait_for("chat.postMessage", 1, WAIT).await;
        let mut blocks = posted[0].body["blocks"].clone();
        let shown = reply_text(&json!({"blocks": blocks}));
        assert!(shown.contains("3 follow-ups for Wed 4 Nov") && shown.contains("Hot leads waiting"), "{shown}");

        let update = app.click_and_update(done_click(&blocks, kevin), &blocks, "digest").await;
        blocks = update["blocks"].clone();
        let shown = reply_text(&update);
        assert!(shown.contains("2 follow-ups left for Wed 4 Nov"), "{shown}");
        assert!(shown.contains("0 due today · 2 overdue"), "{shown}");
        assert!(!shown.contains("Hot leads waiting"), "Kevin had his touch: {shown}");
        assert!(shown.contains("Ana Lima") && shown.contains("Bo Berg"), "{shown}");

        let update = app.click_and_update(done_click(&blocks, ana), &blocks, "digest").await;
        assert!(reply_text(&update).contains("1 follow-up left for Wed 4 Nov"), "{}", reply_text(&update));
    }

    async fn two_quick_clicks_on_one_message_never_bring_back_a_handled_touchs_buttons(app) {
        let kevin = add(app, ALICE, "Kevin Walsh lead:hot").await;
        let ana = add(app, ALICE, "Ana Lima cadence:proposal").await;
        let bo = add(app, ALICE, "Bo Berg cadence:proposal").await;
        app.clock.set(at(2026, 11, 4, 9, 0));
        app.digest_pass().await;
        let posted = app.slack.wait_for("chat.postMessage", 1, WAIT).await;
        let original = posted[0].body["blocks"].clone();
        // Two clicks in quick succession: Slack sends each with the message as it was drawn.
        app.click_and_update(done_click(&original, kevin), &original, "first").await;
        let snooze = {
            let (block_id, menu) = find_element(&original, "touch_snooze", &format!("{ana}."));
            let value = menu["options"][1]["value"].as_str().expect("the 3-day option").to_string();
            static_select_action("touch_snooze", &value, &block_id)
        };
        let second = app.click_and_update(snooze, &original, "second").await;
        let shown = reply_text(&second);
        let kevin_touch = state(app, kevin).await.touches[0].id;
        assert!(
            find_block(&second["blocks"], &format!("act.{kevin_touch}")).is_none(),
            "Kevin's buttons are not back: {shown}"
        );
        assert!(shown.contains("Logged touch 1 of"), "Kevin's line says what became of it: {shown}");
        assert!(shown.contains("Ana Lima") && shown.contains("Mon 9 Nov"), "the clicked one: {shown}");
        assert!(find_element_opt(&second["blocks"], "touch_done", &format!("{bo}.")).is_some(), "Bo keeps his buttons: {shown}");
        assert!(shown.contains("1 follow-up left"), "{shown}");
    }

    async fn undo_takes_a_done_back_once_and_the_touch_is_back_with_its_buttons(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let blocks = due_blocks(app).await;
        let update = app.click_and_update(done_click(&blocks, jane), &blocks, "due").await;
        assert_eq!(state(app, jane).await.prospect.touches_done, 1);
        let updated = update["blocks"].clone();

        let back = app.click_and_update(undo_click(&updated), &updated, "due").await;
        let s = state(app, jane).await;
        assert_eq!(s.prospect.touches_done, 0);
        assert_eq!(s.touches[0].status, TouchStatus::Pending);
        assert_eq!(s.prospect.last_contact_at, None);
        let (block_id, _) = find_element(&back["blocks"], "touch_done", &format!("{jane}."));
        assert_eq!(block_id, format!("act.{}", s.touches[0].id), "the touch is back with its buttons");

        // The same Undo again: nothing changes, and the rep is told why.
        let (status, _) = app.interact(&app.alice_click(undo_click(&updated), &updated, "again")).await;
        assert_eq!(status, 200);
        let told = app.slack.wait_for(&FakeSlack::response_url_method("again"), 1, WAIT).await;
        assert!(reply_text(&told[0].body).contains("already taken back"), "{}", told[0].body);
        assert_eq!(state(app, jane).await, s);
    }

    async fn undo_is_refused_after_ten_minutes_and_when_the_prospect_changed_since(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let blocks = due_blocks(app).await;
        let update = app.click_and_update(done_click(&blocks, jane), &blocks, "due").await;
        let updated = update["blocks"].clone();
        app.clock.advance(chrono::Duration::minutes(11));
        let (status, _) = app.interact(&app.alice_click(undo_click(&updated), &updated, "late")).await;
        assert_eq!(status, 200);
        let told = app.slack.wait_for(&FakeSlack::response_url_method("late"), 1, WAIT).await;
        assert!(reply_text(&told[0].body).contains("Too late to undo"), "{}", told[0].body);
        assert_eq!(state(app, jane).await.prospect.touches_done, 1);

        let bo = add(app, ALICE, "Bo Berg").await;
        let blocks = due_blocks(app).await;
        let update = app.click_and_update(done_click(&blocks, bo), &blocks, "due").await;
        app.say(ALICE, "pause bo").await;
        let updated = update["blocks"].clone();
        app.interact(&app.alice_click(undo_click(&updated), &updated, "changed")).await;
        let told = app.slack.wait_for(&FakeSlack::response_url_method("changed"), 1, WAIT).await;
        assert!(reply_text(&told[0].body).contains("changed again since"), "{}", told[0].body);
        assert_eq!(state(app, bo).await.prospect.status, ProspectStatus::Paused);
    }

    async fn won_and_nurture_ask_first_and_can_be_undone_whole(app) {
        let bea = add(app, ALICE, "Bea Arthur cadence:ten-week").await;
        let before = state(app, bea).await;
        let blocks = due_blocks(app).await;
        let (block_id, menu) = find_element(&blocks, "prospect_more", &format!("{bea}."));
        assert_eq!(menu["confirm"]["confirm"]["text"], "Yes, go ahead", "won, lost, nurture and stop ask first: {menu}");
        assert!(menu["confirm"]["text"]["text"].as_str().unwrap_or_default().contains("undo"), "{menu}");

        let update = app.click_and_update(overflow_action("prospect_more", &format!("{bea}.nurture"), &block_id), &blocks, "due").await;
        let nurtured = state(app, bea).await;
        assert_eq!(nurtured.prospect.cadence.as_str(), "nurture");
        assert_ne!(nurtured.prospect.enrolment_id, before.prospect.enrolment_id);
        let updated = update["blocks"].clone();
        app.click_and_update(undo_click(&updated), &updated, "due").await;
        let restored = state(app, bea).await;
        assert_eq!(restored.prospect.cadence, before.prospect.cadence);
        assert_eq!(restored.prospect.enrolment_id, before.prospect.enrolment_id);
        assert_eq!(restored.touches, before.touches, "every touch as it was, none added");
        assert_eq!(app.snapshot(&TestApp::alice()).await.len(), 1);

        // From a command too: the reply carries the Undo.
        let (_, reply) = app.command(ALICE, "won bea 40k").await;
        assert_eq!(state(app, bea).await.prospect.status, ProspectStatus::Won);
        let (block_id, undo) = find_element(&reply["blocks"], "undo", "");
        let ephemeral = block_actions(TEAM, ALICE, vec![button_action("undo", undo["value"].as_str().unwrap(), &block_id)],
            Some(&app.slack.response_url("cmd-undo")), None, Some("D0ALICE"), message_container("D0ALICE", "1700000000.000200", true));
        app.interact(&ephemeral).await;
        app.slack.wait_for(&FakeSlack::response_url_method("cmd-undo"), 1, WAIT).await;
        let s = state(app, bea).await;
        assert_eq!(s.prospect.status, ProspectStatus::Active);
        assert_eq!(s.prospect.value, None, "the value typed with `won` is taken back too");
    }

    async fn someone_elses_undo_changes_nothing(app) {
        let jane = add(app, ALICE, "Jane Doe").await;
        let blocks = due_blocks(app).await;
        let update = app.click_and_update(done_click(&blocks, jane), &blocks, "due").await;
        let (block_id, undo) = find_element(&update["blocks"], "undo", "");
        let intruder = block_actions(TEAM, BOB, vec![button_action("undo", undo["value"].as_str().unwrap(), &block_id)],
            Some(&app.slack.response_url("bob")), None, Some("D0BOB"), message_container("D0BOB", "1700000000.000300", true));
        assert_eq!(app.interact(&intruder).await.0, 200);
        app.slack.wait_for(&FakeSlack::response_url_method("bob"), 1, WAIT).await;
        assert_eq!(state(app, jane).await.prospect.touches_done, 1);
    }

    async fn nothing_is_dated_inside_an_absence_whatever_the_command(app) {
        let shown = app.say(ALICE, "away").await;
        assert!(shown.contains("no absence set"), "{shown}");
        app.say(ALICE, "away 2026-11-09 2026-11-20").await;
        let shown = app.say(ALICE, "away").await;
        assert!(shown.contains("You will be away from Mon 9 Nov to Fri 20 Nov") && shown.contains("away off"), "{shown}");
        let inside = |d: &NaiveDate| (date(2026, 11, 9)..=date(2026, 11, 20)).contains(d);

        // Added while the absence is set: ten-week would fall on 16, 18 and 20 Nov.
        let maria = add(app, ALICE, "Maria Chen cadence:ten-week").await;
        assert!(!pending_dates(&state(app, maria).await).iter().any(inside), "{:?}", pending_dates(&state(app, maria).await));
        // Snoozed into it.
        let jane = add(app, ALICE, "Jane Doe cadence:proposal").await;
        app.say(ALICE, "snooze jane 1w").await;
        let jane_dates = pending_dates(&state(app, jane).await);
        assert!(!jane_dates.iter().any(inside), "{jane_dates:?}");
        assert_eq!(jane_dates[0], date(2026, 11, 23), "the first working day back");
        // Started inside it.
        let sam = add(app, ALICE, "Sam Stone start:2026-11-12").await;
        assert!(!pending_dates(&state(app, sam).await).iter().any(inside));

        app.clock.set(at(2026, 11, 10, 14, 0));
        let shown = app.say(ALICE, "due").await;
        assert!(shown.contains("You are away from Mon 9 Nov to Fri 20 Nov"), "{shown}");
    }

    async fn touches_late_when_an_absence_begins_wait_for_the_return_spread_with_the_rest(app) {
        for name in ["Ann One", "Ben Two", "Cal Three"] {
            add(app, ALICE, &format!("{name} cadence:ten-week")).await;
        }
        app.say(ALICE, "settings cap 2").await;
        // Friday 6 Nov: every touch of the first week is late or due. Away from today.
        app.clock.set(at(2026, 11, 6, 14, 0));
        let shown = app.say(ALICE, "away today 2026-11-13").await;
        assert!(shown.contains("Away from Fri 6 Nov to Fri 13 Nov"), "{shown}");
        let back = date(2026, 11, 16);
        let mut per_day = std::collections::BTreeMap::new();
        for s in app.snapshot(&TestApp::alice()).await {
            for d in pending_dates(&s) {
                assert!(d >= back, "{} has a touch on {d}, before the day back", s.prospect.name);
                *per_day.entry(d).or_insert(0) += 1;
            }
        }
        assert!(per_day.values().all(|n| *n <= 2), "at most the cap a day: {per_day:?}");

        // The first morning back lists each prospect once, none of it late from before.
        app.clock.set(at(2026, 11, 16, 14, 0));
        let shown = app.say(ALICE, "due").await;
        assert!(!shown.contains("days late"), "{shown}");
    }

    async fn an_absence_set_ahead_takes_what_is_late_on_its_first_morning(app) {
        let ann = add(app, ALICE, "Ann One cadence:proposal").await;
        app.clock.set(at(2026, 11, 4, 14, 0));
        app.say(ALICE, "away 2026-11-09 2026-11-13").await;
        assert_eq!(pending_dates(&state(app, ann).await)[0], date(2026, 11, 2), "still the rep's to do before leaving");
        // Monday 9 Nov, the first day away: the digest pass sends nothing and moves the late touch.
        app.clock.set(at(2026, 11, 9, 10, 0));
        let report = app.digest_pass().await;
        assert!(report.sent.is_empty());
        let dates = pending_dates(&state(app, ann).await);
        assert!(dates.iter().all(|d| *d >= date(2026, 11, 16)), "{dates:?}");
        assert!(dates.windows(2).all(|w| w[0] < w[1]), "in order: {dates:?}");
    }

    async fn a_manager_names_the_team_holidays_and_touches_move_off_them(app) {
        let maria = add(app, ALICE, "Maria Chen cadence:ten-week").await; // 2, 4, 6 Nov …
        let shown = app.say(BOB, "settings holidays 2026-11-04").await;
        assert!(shown.contains("only a manager"), "{shown}");
        app.slack.make_admin(ALICE);
        let shown = app.say(ALICE, "settings holidays 2026-11-04 2026-11-05 2026-12-25").await;
        assert!(shown.contains("Wed 4 Nov, Thu 5 Nov, Fri 25 Dec") && shown.contains("2 pending touches moved"), "{shown}");
        let dates = pending_dates(&state(app, maria).await);
        // 4 Nov → 6 Nov, and Friday's touch on past Monday (the working day right after) to Tuesday.
        assert_eq!(&dates[..3], &[date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 10)], "{dates:?}");
        // New plans avoid them too, for every rep of the team.
        add(app, BOB, "Bob Prospect start:2026-11-04").await;
        let bob = followup::domain::RepRef::new(TEAM, BOB);
        let bobs = app.snapshot(&bob).await;
        assert_eq!(pending_dates(&bobs[0])[0], date(2026, 11, 6));
        assert!(app.say(BOB, "settings").await.contains("Team holidays: Wed 4 Nov, Thu 5 Nov, Fri 25 Dec"));
        let shown = app.say(ALICE, "settings holidays none").await;
        assert!(shown.contains("no holidays"), "{shown}");
    }
}

on_both_apps! {
    async fn a_setting_changed_while_the_digest_reads_the_time_zone_is_kept(app) {
        app.slack.set_user_tz(ALICE, "America/New_York");
        add(app, ALICE, "Jane Doe").await;
        // The zone read on the first command is a week old by the next Tuesday's pass.
        app.slack.wait_for("users.info", 1, WAIT).await;
        app.clock.set(at(2026, 11, 10, 14, 0));
        // Slack answers the profile slowly; meanwhile the rep changes settings and goes away.
        app.slack.fail_next("users.info", 1, common::fake_slack::Failure::Delay(Duration::from_millis(1500)));
        let (_, changed) = tokio::join!(app.digest_pass(), async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            app.say(ALICE, "settings digest 10:30").await;
            app.say(ALICE, "away 2026-11-16 2026-11-20").await
        });
        assert!(changed.contains("Away from Mon 16 Nov"), "{changed}");
        let stored = app.store.rep_settings(&TestApp::alice()).await.unwrap().unwrap();
        assert_eq!(stored.tz.map(|tz| tz.name().to_string()).as_deref(), Some("America/New_York"), "the zone was read");
        assert_eq!(stored.digest_time.map(|t| t.format("%H:%M").to_string()).as_deref(), Some("10:30"), "kept");
        assert_eq!(stored.away, Some((date(2026, 11, 16), date(2026, 11, 20))), "kept");
    }
}

on_both_apps! {
    async fn a_new_reps_zone_is_read_from_slack_on_their_first_command(app) {
        // 03:00 UTC on Tuesday 3 November is still Monday evening in Los Angeles.
        app.clock.set(at(2026, 11, 3, 3, 0));
        app.slack.set_user_tz(ALICE, "America/Los_Angeles");
        app.say(ALICE, "help").await;
        app.slack.wait_for("users.info", 1, WAIT).await;
        let mut zone = None;
        for _ in 0..50 {
            zone = app.store.rep_settings(&TestApp::alice()).await.unwrap().and_then(|s| s.tz);
            if zone.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(zone.map(|z| z.name().to_string()).as_deref(), Some("America/Los_Angeles"));
        let id = add(app, ALICE, "Jane Doe cadence:proposal").await;
        assert_eq!(state(app, id).await.touches[0].due_on, date(2026, 11, 2), "day 0 is the rep's own today");

        // A zone the rep chose is never overridden by Slack's.
        app.slack.set_user_tz(BOB, "Asia/Tokyo");
        app.say(BOB, "settings tz Europe/Berlin").await;
        app.slack.wait_for("users.info", 2, WAIT).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let bob = app.store.rep_settings(&followup::domain::RepRef::new(TEAM, BOB)).await.unwrap().unwrap();
        assert_eq!(bob.tz.map(|z| z.name().to_string()).as_deref(), Some("Europe/Berlin"));
    }
}
