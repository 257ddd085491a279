//! A team's own cadences through the real router, on both databases: imported in the modal
//! (or refused whole, with every problem in it), enrolled in by `add`, their variants rotated
//! across enrolments and named in the digest, clicked through, changed while in use, removed.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::slack_requests::{
    button_action, find_element, static_select_action, static_select_value, text_input_value,
    view_submission,
};
use common::{at, date};
use followup::domain::{CadenceId, ProspectState, TouchStatus};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../../src/demo/sample_cadences.toml");
const WAIT: Duration = Duration::from_secs(5);
/// The workspace's admin: a manager by default.
const ADMIN: &str = "U0ADMIN";

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

fn submit_file(user: &str, text: &str) -> Value {
    view_submission(
        TEAM,
        user,
        "cadence_import",
        "",
        json!({"file": {"value": text_input_value(text)}}),
        "V0CAD",
    )
}

/// Imports `text` through the modal as the admin; answers the submission's body.
async fn import(app: &TestApp, text: &str) -> String {
    app.slack.make_admin(ADMIN);
    let (status, body) = app.interact(&submit_file(ADMIN, text)).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn state(app: &TestApp, id: i64) -> ProspectState {
    app.alice_prospect(id).await
}

fn pending(state: &ProspectState) -> Vec<(i64, chrono::NaiveDate, Option<i64>)> {
    state
        .touches
        .iter()
        .filter(|t| t.status == TouchStatus::Pending)
        .map(|t| (t.step_index, t.due_on, t.step_count))
        .collect()
}

on_both_apps! {
    async fn a_manager_imports_in_the_modal_and_reps_enrol_with_rotating_variants(app) {
        // The form opens for a manager, not for a rep.
        let refused = app.say(BOB, "cadence import").await;
        assert!(refused.contains("only a manager"), "{refused}");
        app.slack.make_admin(ADMIN);
        let (status, _) = app.command(ADMIN, "cadence import").await;
        assert_eq!(status, 200);
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        let view = opened[0].json_field("view").unwrap_or_else(|| opened[0].body["view"].clone());
        assert_eq!(view["callback_id"], "cadence_import", "{view}");
        assert_eq!(import(app, SAMPLE).await, "", "a valid file closes the form");
        let confirmed = app.slack.wait_for("chat.postMessage", 1, WAIT).await;
        assert!(reply_text(&confirmed[0].body).contains("New: `enterprise`"), "{}", confirmed[0].body);

        let listed = app.say(ALICE, "cadences").await;
        assert!(listed.contains("`enterprise`") && listed.contains("Enterprise pilot") && listed.contains("2 variants"), "{listed}");
        let ann = app.add_prospect(ALICE, "Ann Able ann@acme.example company:Acme cadence:enterprise").await;
        let ben = app.add_prospect(ALICE, "Ben Best ben@globex.example company:Globex cadence:enterprise").await;
        let cy = app.add_prospect(ALICE, "Cy Cole cy@initech.example company:Initech cadence:enterprise").await;
        let variants: Vec<Option<String>> = {
            let mut v = Vec::new();
            for id in [ann, ben, cy] {
                let s = state(app, id).await;
                assert_eq!(s.prospect.cadence.as_str(), "enterprise");
                assert_eq!(s.touches.len(), 4);
                assert_eq!(s.touches[1].variant, None, "one message, no variant");
                v.push(s.touches[0].variant.clone());
            }
            v
        };
        // Consecutive enrolments take the variants in turn.
        assert_ne!(variants[0], variants[1]);
        assert_eq!(variants[0], variants[2]);
        assert!(variants.iter().all(|v| matches!(v.as_deref(), Some("A" | "B"))), "{variants:?}");

        // The digest names each one's variant and shows its message, subject included.
        app.digest_pass().await;
        let posted = app.slack.wait_for("chat.postMessage", 2, WAIT).await;
        let digest = posted.iter().find(|c| reply_text(&c.body).contains("touch 1 of 4")).map(|c| c.body.clone()).expect("the digest");
        let blocks = digest["blocks"].clone();
        let text = reply_text(&digest);
        assert!(text.contains("touch 1 of 4") && text.contains("variant A") && text.contains("variant B"), "{text}");
        // Variant A's words for the A enrolments, B's for the B ones, each filled in.
        let (a, b) = if variants[0].as_deref() == Some("A") { ("Acme", "Globex") } else { ("Globex", "Acme") };
        assert!(text.contains(&format!("Teams like {a} usually start with a small pilot")), "{text}");
        assert!(text.contains(&format!("If it works for {b}, the pilot pays")), "{text}");
        assert!(blocks.to_string().contains("subject=A%20pilot%20for%20Globex"), "the step's subject: {blocks}");

        // Done and Snooze work on it.
        let (done_block, done) = find_element(&blocks, "touch_done", &format!("{ann}."));
        let update = app.click_and_update(button_action("touch_done", done["value"].as_str().unwrap(), &done_block), &blocks, "done").await;
        assert!(reply_text(&update).contains("Logged touch 1 of 4"), "{}", reply_text(&update));
        // Undo brings the touch back, variant and all (the undo record carries the cadence).
        let (block_id, undo) = find_element(&update["blocks"], "undo", "");
        let back = app.click_and_update(button_action("undo", undo["value"].as_str().unwrap(), &block_id), &update["blocks"], "undo").await;
        assert!(reply_text(&back).contains("Ann Able"), "{}", reply_text(&back));
        let undone = state(app, ann).await;
        assert_eq!(undone.touches[0].status, TouchStatus::Pending, "{undone:?}");
        assert_eq!((undone.prospect.cadence.as_str(), undone.touches[0].variant.clone()), ("enterprise", variants[0].clone()));
        let update = app.click_and_update(button_action("touch_done", done["value"].as_str().unwrap(), &done_block), &blocks, "done2").await;
        assert!(reply_text(&update).contains("Logged touch 1 of 4"), "{}", reply_text(&update));
        let (block_id, menu) = find_element(&blocks, "touch_snooze", &format!("{ben}."));
        let value = menu["options"][1]["value"].as_str().unwrap().to_string();
        app.click_and_update(static_select_action("touch_snooze", &value, &block_id), &blocks, "snooze").await;
        let ann_state = state(app, ann).await;
        assert_eq!(ann_state.touches[0].status, TouchStatus::Done);
        assert_eq!(ann_state.touches[0].variant, variants[0], "the done touch keeps its variant");
        let ben_state = state(app, ben).await;
        assert_eq!(ben_state.touches[0].due_on, date(2026, 11, 5), "snoozed three days");
    }

    async fn a_broken_file_is_refused_in_the_modal_with_every_problem_and_nothing_stored(app) {
        let broken = SAMPLE
            .replace("day = 7\n", "day = 4\n")
            .replace("channels = [\"linkedin\"]", "channels = [\"pigeon\"]")
            .replace("Is a pilot something {company} wants to look at this quarter?", "Just checking in.");
        let body = import(app, &broken).await;
        let answer: Value = serde_json::from_str(&body).expect("errors in the form");
        assert_eq!(answer["response_action"], "errors");
        let shown = answer["errors"]["file"].as_str().unwrap();
        assert!(shown.contains("Nothing was imported: 4 problems"), "{shown}");
        assert!(shown.contains("`enterprise` step 2, line 21: `pigeon` is not a channel"), "{shown}");
        assert!(shown.contains("`enterprise` step 3, line 27: day 4 is 1 day(s) after"), "{shown}");
        assert!(shown.contains("`enterprise` step 4") && shown.contains("just checking in"), "{shown}");
        assert!(app.store.team_cadences(TEAM).await.unwrap().listed().is_empty(), "nothing stored");
        let refused = app.say(ALICE, "add Ann Able cadence:enterprise").await;
        assert!(refused.contains("no cadence called `enterprise`"), "{refused}");
        assert!(app.snapshot(&TestApp::alice()).await.is_empty());
        // A rep's own submission is refused too.
        let (_, body) = app.interact(&submit_file(BOB, SAMPLE)).await;
        assert!(body.contains("only a manager"), "{body}");
    }

    async fn the_default_cadence_and_lead_pick_among_the_teams_cadences(app) {
        import(app, &SAMPLE.replace("after = \"ask\"", "after = \"ask\"\nleads = [\"cold\"]")).await;
        let refused = app.say(ALICE, "settings default-cadence enterprise").await;
        assert!(refused.contains("only a manager"), "{refused}");
        let set = app.say(ADMIN, "settings default-cadence enterprise").await;
        assert!(set.contains("`enterprise`"), "{set}");
        let unknown = app.say(ADMIN, "settings default-cadence nope").await;
        assert!(unknown.contains("no cadence called `nope`"), "{unknown}");
        let plain = app.add_prospect(ALICE, "Dee Default").await;
        let cold = app.add_prospect(ALICE, "Carl Cold lead:cold").await;
        let hot = app.add_prospect(ALICE, "Hal Hot lead:hot").await;
        let named = app.add_prospect(ALICE, "Pat Proposal cadence:proposal").await;
        assert_eq!(state(app, plain).await.prospect.cadence.as_str(), "enterprise");
        assert_eq!(state(app, cold).await.prospect.cadence.as_str(), "enterprise");
        assert_eq!(state(app, hot).await.prospect.cadence, CadenceId::Hot);
        assert_eq!(state(app, named).await.prospect.cadence, CadenceId::Proposal);
        app.say(ADMIN, "settings default-cadence none").await;
        let later = app.add_prospect(ALICE, "Lee Later").await;
        assert_eq!(state(app, later).await.prospect.cadence, CadenceId::Proposal);
    }

    async fn a_changed_cadence_keeps_the_planned_touch_and_follows_the_new_steps_after_it(app) {
        import(app, SAMPLE).await;
        let ann = app.add_prospect(ALICE, "Ann Able cadence:enterprise").await;
        let before = state(app, ann).await;
        let planned = pending(&before);
        assert_eq!(planned.len(), 4);
        // Version 2: the LinkedIn step goes, the call comes on day 5, a new last email on day 21.
        let v2 = SAMPLE
            .replace("day = 3\nchannels = [\"linkedin\"]", "day = 21\nchannels = [\"email\"]")
            .replace("day = 7\n", "day = 5\n");
        let v2 = reorder_last_two_steps(&v2);
        assert_eq!(import(app, &v2).await, "");
        let kept = state(app, ann).await;
        assert_eq!(pending(&kept), planned, "nothing planned moves at import");
        // The next touch is logged: the rest follows version 2 from today.
        app.say(ALICE, "done ann").await;
        let after = state(app, ann).await;
        let rest = pending(&after);
        // Days 5, 14 and 21 from today (Monday 2 November), Saturday the 7th moving to Monday.
        assert_eq!(
            rest,
            vec![(1, date(2026, 11, 9), Some(4)), (2, date(2026, 11, 16), Some(4)), (3, date(2026, 11, 23), Some(4))],
            "{after:?}"
        );
        assert_eq!(after.prospect.cadence.version(), 2);
        let step_2 = after.touches.iter().find(|t| t.step_index == 1 && t.status == TouchStatus::Pending).unwrap();
        assert_eq!(step_2.cadence.cadence().steps[1].channels, &[followup::domain::Channel::Call, followup::domain::Channel::Voicemail]);
    }

    async fn a_removed_cadence_keeps_its_enrolments_to_the_end(app) {
        import(app, SAMPLE).await;
        let ann = app.add_prospect(ALICE, "Ann Able cadence:enterprise").await;
        let other = SAMPLE.replace("id = \"enterprise\"", "id = \"mid-market\"");
        assert_eq!(import(app, &other).await, "");
        let listed = app.say(ALICE, "cadences").await;
        assert!(listed.contains("`mid-market`") && !listed.contains("`enterprise`"), "{listed}");
        let refused = app.say(ALICE, "add Bo Berg cadence:enterprise").await;
        assert!(refused.contains("no cadence called `enterprise`") && refused.contains("mid-market"), "{refused}");
        // Ann runs through all four touches, then is asked: one more, nurture or close.
        for day in [2, 5, 9, 16] {
            app.clock.set(at(2026, 11, day, 14, 0));
            let done = app.say(ALICE, "done ann").await;
            assert!(done.contains("Logged touch"), "{done}");
        }
        let end = state(app, ann).await;
        assert_eq!(end.touches.iter().filter(|t| t.status == TouchStatus::Done).count(), 4);
        assert_eq!(end.prospect.status, followup::domain::ProspectStatus::Awaiting);
        assert_eq!(end.prospect.cadence.as_str(), "enterprise");
    }

    async fn the_add_form_offers_the_teams_cadences_and_show_names_each_touchs_variant(app) {
        import(app, SAMPLE).await;
        app.say(ALICE, "add").await;
        let opened = app.slack.wait_for("views.open", 1, WAIT).await;
        let blocks = opened[0].body["view"]["blocks"].clone();
        let menu = blocks.as_array().unwrap().iter().find(|b| b["block_id"] == "cadence").expect("a Cadence field");
        let offered: Vec<(&str, &str)> = menu["element"]["options"].as_array().unwrap().iter()
            .map(|o| (o["value"].as_str().unwrap_or_default(), o["text"]["text"].as_str().unwrap_or_default()))
            .collect();
        assert_eq!(offered.len(), 7, "six built-ins and the team's one: {offered:?}");
        let built_ins: Vec<&str> = followup::domain::CadenceId::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(offered[..6].iter().map(|o| o.0).collect::<Vec<_>>(), built_ins, "the built-ins first");
        assert_eq!(offered[6], ("enterprise", "enterprise — Enterprise pilot (the team's)"));

        let submit = |name: &str, cadence: &str, view_id: &str| {
            let values = json!({
                "name": {"value": text_input_value(name)},
                "cadence": {"value": static_select_value(Some(cadence))},
            });
            view_submission(TEAM, ALICE, "add_prospect", "", values, view_id)
        };
        let (status, body) = app.interact(&submit("Ann Able", "enterprise", "V0A")).await;
        assert_eq!((status, body.as_str()), (200, ""));
        let stored = app.snapshot(&TestApp::alice()).await;
        let ann = stored.iter().find(|s| s.prospect.name == "Ann Able").expect("Ann was added");
        assert_eq!(ann.prospect.cadence.as_str(), "enterprise");
        let variant = ann.touches[0].variant.clone().expect("step 1 has variants");

        // `show` names the variant of each step that has several, and only those.
        let shown = app.say(ALICE, &format!("show #{}", ann.prospect.id)).await;
        assert!(shown.contains(&format!("touch 1 of 4 · variant {variant}")), "{shown}");
        assert_eq!(shown.matches("· variant ").count(), 2, "steps 1 and 3 have variants: {shown}");

        // A cadence removed while the form was open is refused under its field; nothing stored.
        import(app, &SAMPLE.replace("id = \"enterprise\"", "id = \"mid-market\"")).await;
        let (status, body) = app.interact(&submit("Bo Berg", "enterprise", "V0B")).await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_str(&body).expect("errors in the form");
        assert_eq!(answer["response_action"], "errors", "{answer}");
        assert!(answer["errors"]["cadence"].as_str().unwrap_or_default().contains("`enterprise` is not one of the team's cadences"), "{answer}");
        assert!(!app.snapshot(&TestApp::alice()).await.iter().any(|s| s.prospect.name == "Bo Berg"));
    }
}

/// Moves the step now on day 21 (second in the file) to the end, so days grow.
fn reorder_last_two_steps(text: &str) -> String {
    let parts: Vec<&str> = text.split("[[cadence.step]]").collect();
    assert_eq!(parts.len(), 5, "{text}");
    format!(
        "{}[[cadence.step]]{}[[cadence.step]]{}[[cadence.step]]{}[[cadence.step]]{}",
        parts[0],
        parts[1],
        parts[3],
        parts[4].trim_end().to_string() + "\n\n",
        parts[2]
    )
}

on_both_databases! {
    async fn an_import_adds_versions_only_for_what_changed_and_retires_what_it_leaves_out(store) {
        use followup::domain::cadence_file::parse;
        let now = at(2026, 11, 2, 9, 0);
        let mid = SAMPLE.replace("id = \"enterprise\"", "id = \"mid-market\"");
        let both = format!("{SAMPLE}\n{}", mid.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n"));
        let first = store.import_cadences(TEAM, &parse(&both, false).unwrap(), ADMIN, now).await.unwrap();
        assert_eq!((first.added.len(), first.changed.len(), first.retired.len()), (2, 0, 0), "{first:?}");
        let team = store.team_cadences(TEAM).await.unwrap();
        assert_eq!(team.listed().iter().map(|c| (c.as_str(), c.version())).collect::<Vec<_>>(), vec![("enterprise", 1), ("mid-market", 1)]);
        // Enterprise changes, mid-market is left out.
        let changed = SAMPLE.replace("Enterprise pilot", "Enterprise pilot, shorter");
        let second = store.import_cadences(TEAM, &parse(&changed, false).unwrap(), ADMIN, now).await.unwrap();
        assert_eq!((second.changed.clone(), second.retired.clone()), (vec!["enterprise".to_string()], vec!["mid-market".to_string()]));
        let team = store.team_cadences(TEAM).await.unwrap();
        assert_eq!(team.listed().iter().map(|c| (c.as_str(), c.version())).collect::<Vec<_>>(), vec![("enterprise", 2)]);
        // Both versions still resolve (enrolments on either read as they were).
        assert_eq!(team.resolve("enterprise", 1).unwrap().cadence().name, "Enterprise pilot");
        assert_eq!(team.resolve("mid-market", 1).unwrap().as_str(), "mid-market");
        assert!(team.usable("mid-market").is_err());
        // Mid-market comes back as a new version; other workspaces see none of it.
        let third = store.import_cadences(TEAM, &parse(&both, false).unwrap(), ADMIN, now).await.unwrap();
        assert_eq!((third.changed.len(), third.retired.len()), (2, 0), "{third:?}");
        assert_eq!(store.team_cadences(TEAM).await.unwrap().usable("mid-market").unwrap().version(), 2);
        assert!(store.team_cadences("T0OTHER").await.unwrap().is_empty());
        store.set_default_cadence(TEAM, Some("mid-market"), ADMIN, now).await.unwrap();
        assert_eq!(store.team_cadences(TEAM).await.unwrap().team_default().as_str(), "mid-market");
        store.purge_workspace(TEAM, now).await.unwrap();
        assert!(store.team_cadences(TEAM).await.unwrap().is_empty(), "a purge takes the team's cadences");
    }
}
