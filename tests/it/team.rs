//! Managers: the team's numbers by rep, the team board, reassignment; and the Monday summary.

use crate::common;

use std::time::Duration;

use common::app::{reply_text, TestApp, ALICE, BOB, TEAM};
use common::slack_requests::event_callback;
use serde_json::json;

const DANA: &str = "U0DANA";
/// The workspace's admin: a manager by default, who names the others.
const ADMIN: &str = "U0ADMIN";

fn start_time() -> chrono::DateTime<chrono::Utc> {
    common::at(2026, 11, 2, 14, 0)
}

async fn id_of(app: &TestApp, user: &str, name: &str) -> i64 {
    let rep = followup::domain::RepRef::new(TEAM, user);
    app.store
        .find_prospects(&rep, name, false, 5)
        .await
        .unwrap()[0]
        .id
}

on_both_apps! {
    async fn a_manager_sees_the_teams_numbers_by_rep_and_a_rep_only_their_own(app) {
        app.say(ALICE, "add Jane Doe").await;
        app.say(ALICE, "won jane 5000").await;
        app.say(BOB, "add Bob Prospect").await;
        // A rep cannot make themselves a manager, even before there are any.
        let refused = app.say(BOB, &format!("settings managers <@{BOB}|bob>")).await;
        assert!(refused.contains("only a manager") && refused.contains("admins and owners"), "{refused}");
        assert!(app.store.managers(TEAM).await.unwrap().is_empty());
        // The workspace's admin manages by default, and names the managers.
        app.slack.make_admin(ADMIN);
        assert!(app.say(ADMIN, &format!("settings managers <@{DANA}|dana>")).await.contains("Settings saved"));
        let team = app.say(DANA, "stats all").await;
        assert!(team.contains("Team numbers") && team.contains(&format!("<@{ALICE}>")) && team.contains(&format!("<@{BOB}>")), "{team}");
        assert!(team.contains("2 inquiry") || team.contains("2 inquiry →"), "{team}");
        let own = app.say(BOB, "stats all").await;
        assert!(own.contains("Your numbers") && !own.contains(&format!("<@{ALICE}>")), "{own}");
        // A named manager may change them; a rep still may not.
        assert!(app.say(BOB, &format!("settings managers <@{BOB}|bob>")).await.contains("only a manager"));
        assert_eq!(app.store.managers(TEAM).await.unwrap(), vec![DANA.to_string()]);
        assert!(app.say(DANA, &format!("settings managers <@{DANA}|dana> <@{ALICE}|alice>")).await.contains("Settings saved"));
        assert_eq!(app.store.managers(TEAM).await.unwrap(), vec![ALICE.to_string(), DANA.to_string()]);
    }

    async fn a_manager_reassigns_a_prospect_with_its_touches(app) {
        app.say(ALICE, "add Jane Doe").await;
        let jane = id_of(app, ALICE, "jane").await;
        assert!(app.say(BOB, &format!("reassign #{jane} <@{BOB}|bob>")).await.contains("only a manager"));
        app.slack.make_admin(DANA);
        let shown = app.say(DANA, &format!("reassign #{jane} <@{BOB}|bob>")).await;
        assert!(shown.contains(&format!("#{jane} is now <@{BOB}>'s")), "{shown}");
        // Again to the same rep: a mention Slack draws as a name, not its escaped source.
        let again = app.say(DANA, &format!("reassign #{jane} <@{BOB}|bob>")).await;
        assert!(again.contains(&format!("#{jane} is already <@{BOB}>'s: nothing changed")), "{again}");
        assert!(!again.contains("&lt;"), "{again}");
        assert!(app.store.prospect_state(&TestApp::alice(), jane).await.unwrap().is_none(), "no longer Alice's");
        let bob = followup::domain::RepRef::new(TEAM, BOB);
        let state = app.store.prospect_state(&bob, jane).await.unwrap().expect("Bob's now");
        assert_eq!(state.touches.len(), 6);
        assert!(app.say(BOB, "due").await.contains("Jane Doe"), "in Bob's agenda");
        assert!(!app.say(ALICE, "due").await.contains("Jane Doe"));
        assert!(app.say(DANA, "reassign #99999 <@U0X|x>").await.contains("couldn't find"));
    }

    async fn a_duplicate_is_refused_with_a_link_and_a_shared_company_is_flagged(app) {
        app.say(ALICE, "add Jane Doe jane@acme.com company:Acme").await;
        let jane = id_of(app, ALICE, "jane").await;
        for text in ["add Janet <mailto:JANE@acme.com|JANE@acme.com>", "add jane doe company:ACME"] {
            let shown = app.say(BOB, text).await;
            assert!(shown.contains("Already in your workspace, so nothing was added") && shown.contains(&format!("#{jane}")), "{text}: {shown}");
            assert!(shown.contains(&format!("<@{ALICE}>'s")), "{shown}");
        }
        let bob = followup::domain::RepRef::new(TEAM, BOB);
        assert!(app.store.find_prospects(&bob, "jan", false, 5).await.unwrap().is_empty(), "nothing added for Bob");
        let shown = app.say(BOB, "add Max Mustermann company:acme").await;
        assert!(shown.contains("Added") && shown.contains(&format!("<@{ALICE}> is already working acme")), "{shown}");
        // Another workspace is another world.
        let shown = reply_text(&app.command_in("T0OTHER", ALICE, "add Jane Doe jane@acme.com company:Acme").await.1);
        assert!(shown.contains("Added"), "{shown}");
    }

    async fn a_note_that_just_checks_in_gets_a_gentle_hint(app) {
        app.say(ALICE, "add Jane Doe").await;
        let shown = app.say(ALICE, "done jane Just checking in on the proposal").await;
        assert!(shown.contains("Logged") && shown.contains("\"Just checking in\" gives them nothing to answer"), "{shown}");
        let fine = app.say(ALICE, "done jane sent the case study with the pricing page").await;
        assert!(!fine.contains("💡"), "{fine}");
        let shown = app.say(ALICE, "add Long Notes note:\"One. Two. Three. Four. Five. Six. Seven.\"").await;
        assert!(shown.contains("7 sentences is long"), "{shown}");
    }

    async fn the_home_tab_shows_pipeline_wins_settings_and_for_managers_the_team_board(app) {
        app.say(ALICE, "add Jane Doe company:Acme value:12k stage:qualified").await;
        app.say(ALICE, "add Won Deal value:3k").await;
        app.say(ALICE, "won won deal").await;
        app.slack.make_admin(ADMIN);
        app.say(ADMIN, &format!("settings managers <@{DANA}|dana>")).await;
        app.clock.advance(chrono::Duration::days(2));
        app.event(&event_callback(TEAM, json!({"type": "app_home_opened", "user": ALICE, "tab": "home"}))).await;
        let home = reply_text(&app.slack.wait_for("views.publish", 1, Duration::from_secs(5)).await[0].body);
        assert!(home.contains("*📊 Pipeline* (1 open)") && home.contains("*qualified*: 1 · $12,000"), "{home}");
        assert!(home.contains("Won in the last 30 days") && home.contains("*Won Deal*"), "{home}");
        assert!(home.contains("Digest at 08:00"), "{home}");
        assert!(!home.contains("Team board"), "Alice is not a manager");
        app.event(&event_callback(TEAM, json!({"type": "app_home_opened", "user": DANA, "tab": "home"}))).await;
        let calls = app.slack.wait_for("views.publish", 2, Duration::from_secs(5)).await;
        let board = reply_text(&calls[1].body);
        assert!(board.contains("Team board") && board.contains(&format!("<@{ALICE}>: 1 overdue")), "{board}");
    }
}
