//! The team's value-add library and which steps and variants earn replies, through the real
//! router on both databases: `resources add/list/remove`, the resource a value-add step suggests
//! (and records when done), `stats` by step and variant with a verdict only when significant, and
//! the Monday team summary's best and worst step.

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::at;
use followup::clock::Clock;
use followup::domain::RepRef;
use followup::service::Reply;

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

const ADMIN: &str = "U0ADMIN";

/// Runs a command as `user` through the service (what the router calls), without HTTP: for
/// building history quickly.
async fn run(app: &TestApp, user: &str, text: &str) -> Reply {
    let today = app.clock.now().date_naive();
    let command = followup::command::parse(text, today).unwrap_or_else(|e| panic!("{text}: {e}"));
    app.state
        .service
        .run(&RepRef::new(TEAM, user), command)
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Adds a prospect through the service; its id.
async fn add(app: &TestApp, user: &str, text: &str) -> i64 {
    match run(app, user, &format!("add {text}")).await {
        Reply::Added { state, .. } => state.prospect.id,
        other => panic!("add {text}: {other:?}"),
    }
}

/// Sets the message variant of every first-step touch of these prospects, as the cadence work
/// will when a step has several messages.
async fn set_variant(app: &TestApp, prospects: &[i64], variant: &str) {
    use sqlx::Connection;
    let list: Vec<String> = prospects.iter().map(i64::to_string).collect();
    let sql = format!(
        "UPDATE touches SET variant = '{variant}' WHERE step_index = 0 AND prospect_id IN ({})",
        list.join(", ")
    );
    let url = app.db_url();
    if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("sqlite");
        sqlx::query(&sql).execute(&mut conn).await.expect("update");
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("postgres");
        sqlx::query(&sql).execute(&mut conn).await.expect("update");
    }
}

/// `n` prospects of `user`, their first touch done now with `variant`, and the first `replies`
/// of them replying a day later (inside the step's window).
async fn first_touches(
    app: &TestApp,
    user: &str,
    tag: &str,
    variant: Option<&str>,
    n: usize,
    replies: usize,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = add(
            app,
            user,
            &format!("\"{tag} {i}\" company:\"{tag} Co {i}\""),
        )
        .await;
        assert!(matches!(
            run(app, user, &format!("done #{id}")).await,
            Reply::Applied { .. }
        ));
        ids.push(id);
    }
    if let Some(v) = variant {
        set_variant(app, &ids, v).await;
    }
    app.clock.advance(Duration::hours(20));
    for id in ids.iter().take(replies) {
        assert!(matches!(
            run(app, user, &format!("replied #{id}")).await,
            Reply::Applied { .. }
        ));
    }
    ids
}

on_both_apps! {
    async fn the_library_is_the_teams_and_refuses_bad_links_with_advice(app) {
        assert!(app.say(ALICE, "resources").await.contains("library is empty"));
        let added = app.say(ALICE, "resources add \"Acme freight case study\" https://example.com/acme logistics #Freight").await;
        assert!(added.contains("Added to the team's library as *1*") && added.contains("`freight`"), "{added}");
        // A link as Slack sends it, and an unquoted title.
        let added = app.say(ALICE, "resources add ROI calculator <https://example.com/roi?a=1&amp;b=2> saas").await;
        assert!(added.contains("as *2*"), "{added}");
        for (bad, advice) in [
            ("resources add \"Guide\" example.com/guide", "starting with https://"),
            ("resources add \"Guide\" ftp://example.com/guide", "starting with https://"),
            ("resources add \"Guide\"", "add a link after the title"),
            ("resources add", "give the resource a title"),
            ("resources add \"Guide\" https://example.com/g bad/tag", "is not a tag"),
            ("resources add \"Again\" https://example.com/acme", "already in the library as 1"),
            ("resources remove", "remove which resource?"),
            ("resources frobnicate", "Try `/followup resources`"),
        ] {
            let shown = app.say(ALICE, bad).await;
            assert!(shown.contains(advice), "{bad}: {shown}");
        }
        let library = app.store.resources(TEAM).await.unwrap();
        assert_eq!(library.iter().map(|r| (r.number, r.title.as_str(), r.url.as_str())).collect::<Vec<_>>(), vec![
            (1, "Acme freight case study", "https://example.com/acme"),
            (2, "ROI calculator", "https://example.com/roi?a=1&b=2"),
        ]);
        assert_eq!(library[0].tags, vec!["logistics", "freight"]);
        // Bob is on the team: he reads the library and adds to it, but removes only his own.
        let listed = app.say(BOB, "resources").await;
        assert!(listed.contains("Acme freight case study") && listed.contains("ROI calculator"), "{listed}");
        assert!(app.say(BOB, "resources remove 1").await.contains("only the rep who added resource 1, or a manager"));
        assert!(app.say(BOB, "resources add \"Bob's pick\" https://example.com/bob").await.contains("as *3*"));
        assert!(app.say(BOB, "resources remove 3").await.contains("out of the library"));
        assert!(app.say(ALICE, "resources remove 9").await.contains("no resource 9"));
        app.slack.make_admin(ADMIN);
        assert!(app.say(ADMIN, "resources remove #1").await.contains("Resource *1* (Acme freight case study) is out of the library"));
        let left: Vec<i64> = app.store.resources(TEAM).await.unwrap().iter().map(|r| r.number).collect();
        assert_eq!(left, vec![2], "numbers are never reused");
        assert!(app.say(ALICE, "resources add \"Next\" https://example.com/next").await.contains("as *4*"));
        // Another workspace has its own library.
        let (_, other) = app.command_in("T0OTHER", ALICE, "resources").await;
        assert!(reply_text(&other).contains("library is empty"));
    }

    async fn a_value_add_step_suggests_the_best_unsent_resource_and_done_records_it(app) {
        app.say(ALICE, "resources add \"General guide\" https://example.com/guide").await;
        app.say(ALICE, "resources add \"Freight case study\" https://example.com/freight logistics freight").await;
        app.say(ALICE, "resources add \"Retail playbook\" https://example.com/retail retail logistics").await;
        // Cold: days 2, 9, 23 (value-add), 44, 72 (value-add), 120.
        let fred = app.add_prospect(ALICE, "Fred Fisher company:\"Acme Freight\" lead:cold note:runs logistics for shops").await;
        let rita = app.add_prospect(ALICE, "Rita Ruiz company:Shopwise lead:cold note:a retail chain").await;
        for id in [fred, fred, rita, rita] {
            app.say(ALICE, &format!("done #{id}")).await;
        }
        let value_add = app.alice_prospect(fred).await.touches[2].clone();
        assert_eq!(value_add.due_on, common::date(2026, 11, 25));
        app.clock.set(at(2026, 11, 25, 15, 0));
        let due = app.say(ALICE, "due").await;
        assert!(due.contains("Worth sending: Freight case study — https://example.com/freight"), "{due}");
        // Each prospect of the agenda gets its own best match.
        assert!(due.contains("Worth sending: Retail playbook — https://example.com/retail"), "{due}");
        // The morning digest says the same, in the entry's message.
        assert_eq!(app.digest_pass().await.sent.len(), 1);
        let digest = app.slack.wait_for("chat.postMessage", 1, std::time::Duration::from_secs(5)).await;
        assert!(reply_text(&digest[0].body).contains("Worth sending: Freight case study"), "{}", reply_text(&digest[0].body));
        // Undo forgets what the undone Done recorded; Done again records it again.
        let Reply::Applied { undo: Some(undo), .. } = run(app, ALICE, &format!("done #{fred}")).await else {
            panic!("done with an undo")
        };
        assert_eq!(app.store.resources_sent(TEAM, fred).await.unwrap().len(), 1);
        assert!(matches!(app.state.service.undo(&TestApp::alice(), undo).await.unwrap(), Reply::Undone(_)));
        assert!(app.store.resources_sent(TEAM, fred).await.unwrap().is_empty(), "undone");
        assert!(app.say(ALICE, &format!("done #{fred}")).await.contains("Fred Fisher"));
        let sent = app.store.resources_sent(TEAM, fred).await.unwrap();
        assert_eq!(sent.iter().map(|(touch, r)| (*touch, r.title.as_str())).collect::<Vec<_>>(), vec![(value_add.id, "Freight case study")]);
        app.say(ALICE, &format!("done #{rita}")).await;
        let rita_sent: Vec<String> = app.store.resources_sent(TEAM, rita).await.unwrap().into_iter().map(|(_, r)| r.title).collect();
        assert_eq!(rita_sent, vec!["Retail playbook"]);
        // A touch that is no value-add step records nothing.
        app.say(ALICE, &format!("done #{fred}")).await;
        assert_eq!(app.store.resources_sent(TEAM, fred).await.unwrap().len(), 1);
        // The next value-add step suggests another: the retail playbook still matches `logistics`.
        app.clock.set(at(2027, 1, 13, 15, 0));
        let due = app.say(ALICE, "due").await;
        assert!(due.contains("Worth sending: Retail playbook — https://example.com/retail") && !due.contains("Freight case study"), "{due}");
        app.say(ALICE, &format!("done #{fred}")).await;
        let sent: Vec<String> = app.store.resources_sent(TEAM, fred).await.unwrap().into_iter().map(|(_, r)| r.title).collect();
        assert_eq!(sent, vec!["Freight case study", "Retail playbook"]);
        // A purged workspace keeps no library and no record of what was sent.
        app.store.purge_workspace(TEAM, app.clock.now()).await.unwrap();
        assert!(app.store.resources(TEAM).await.unwrap().is_empty());
        assert!(app.store.resources_sent(TEAM, fred).await.unwrap().is_empty());
    }

    async fn stats_show_a_verdict_when_a_variant_wins_by_more_than_chance(app) {
        // Variant A: 4 replies in 40; variant B: 20 in 40 (z ≈ 3.9).
        first_touches(app, ALICE, "Ann", Some("A"), 40, 4).await;
        first_touches(app, ALICE, "Ben", Some("B"), 40, 20).await;
        let stats = app.say(ALICE, "stats all").await;
        assert!(stats.contains("*proposal* · 80 touches"), "{stats}");
        assert!(stats.contains("step 1: 30 % (24 of 80) — A 10 % (4 of 40) · B 50 % (20 of 40)"), "{stats}");
        assert!(stats.contains("Step 1's variant B earns more replies than A (50 % vs 10 %, 40 and 40 touches)"), "{stats}");
    }

    async fn stats_say_not_enough_data_yet_when_the_difference_may_be_chance(app) {
        // 6 of 20 against 8 of 20: z ≈ 0.66.
        first_touches(app, ALICE, "Ann", Some("A"), 20, 6).await;
        first_touches(app, ALICE, "Ben", Some("B"), 20, 8).await;
        let stats = app.say(ALICE, "stats all").await;
        assert!(stats.contains("A 30 % (6 of 20) · B 40 % (8 of 20)"), "{stats}");
        assert!(stats.contains("variants: not enough data yet") && !stats.contains("earns more replies"), "{stats}");
        // A reply after the step's window (proposal step 1 → step 2 is two days) earns nothing.
        let late = add(app, ALICE, "\"Late Larry\"").await;
        run(app, ALICE, &format!("done #{late}")).await;
        app.clock.advance(Duration::days(3));
        run(app, ALICE, &format!("replied #{late}")).await;
        assert!(app.say(ALICE, "stats all").await.contains("step 1: 34 % (14 of 41)"));
    }

    async fn a_rep_sees_only_their_own_rates_and_a_manager_the_teams(app) {
        first_touches(app, ALICE, "Ann", None, 3, 1).await;
        let bob = add(app, BOB, "\"Cole Cold\" lead:cold").await;
        run(app, BOB, &format!("done #{bob}")).await;
        let alice = app.say(ALICE, "stats all").await;
        assert!(alice.contains("*proposal* · 3 touches") && !alice.contains("*cold*"), "{alice}");
        let bobs = app.say(BOB, "stats all").await;
        assert!(bobs.contains("*cold* · 1 touch") && !bobs.contains("*proposal*"), "{bobs}");
        app.slack.make_admin(ADMIN);
        let team = app.say(ADMIN, "stats all").await;
        assert!(team.contains("Team numbers") && team.contains("*cold* · 1 touch") && team.contains("*proposal* · 3 touches"), "{team}");
        // The window counts touches done in it.
        app.clock.advance(Duration::days(40));
        assert!(app.say(ALICE, "stats 30d").await.contains("No cadence touch done in this period yet"));
    }

    async fn the_monday_team_summary_names_the_best_and_worst_step_of_the_past_90_days(app) {
        let ids = first_touches(app, ALICE, "Ann", None, 12, 6).await;
        // The six who did not reply get step 2, and none of them replies.
        for id in &ids[6..] {
            run(app, ALICE, &format!("done #{id}")).await;
        }
        // Too few touches on step 2 to rank it yet: no line.
        app.slack.clear();
        let monday = at(2026, 11, 9, 14, 0);
        app.clock.set(monday);
        assert_eq!(app.digester(Some("C0TEAM")).team_summaries(monday).await.unwrap(), 1);
        let posts = app.slack.calls_to("chat.postMessage");
        let post = posts.iter().find(|c| c.body["channel"] == "C0TEAM").expect("the team summary");
        assert!(!reply_text(&post.body).contains("best step"), "{}", reply_text(&post.body));
        for i in 0..5 {
            let id = add(app, ALICE, &format!("\"More {i}\"")).await;
            run(app, ALICE, &format!("done #{id}")).await;
            run(app, ALICE, &format!("done #{id}")).await;
        }
        let next_monday = at(2026, 11, 16, 14, 0);
        app.clock.set(next_monday);
        app.slack.clear();
        assert_eq!(app.digester(Some("C0TEAM")).team_summaries(next_monday).await.unwrap(), 1);
        let posts = app.slack.calls_to("chat.postMessage");
        let post = posts.iter().find(|c| c.body["channel"] == "C0TEAM").expect("the team summary");
        let text = reply_text(&post.body);
        assert!(text.contains("best step: *proposal step 1* — 35 % replied (6 of 17 touches) · worst step: *proposal step 2* — 0 % replied (0 of 11 touches)"), "{text}");
    }
}
