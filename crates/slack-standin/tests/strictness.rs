//! One model, two strictnesses: what a Slack-strict stand-in refuses, a trusting one takes.

use serde_json::{json, Value};
use slack_standin::{Member, StandIn, Strictness, Workspace};

fn workspace(strictness: Strictness) -> Workspace {
    Workspace {
        team_id: "T0TEST".into(),
        team_name: "Test Co".into(),
        team_domain: "test-co".into(),
        app_id: "A0TEST".into(),
        bot_id: "B0TEST".into(),
        bot_user_id: "U0TESTBOT".into(),
        bot_user_name: "bot".into(),
        bot_scopes: "chat:write".into(),
        members: vec![Member::new("U0ANA", "ana", "Ana Lima").with_tz("Europe/Lisbon")],
        strictness,
    }
}

fn standin(strictness: Strictness) -> StandIn {
    StandIn::new(workspace(strictness), "http://127.0.0.1:9").with_clock(|| 1_800_000_000)
}

fn call(s: &StandIn, method: &str, body: Value) -> Value {
    s.call(method, Some("Bearer xoxb-any"), &body)
}

#[test]
fn a_strict_stand_in_refuses_what_slack_refuses() {
    let s = standin(Strictness::Slack);
    assert_eq!(
        call(&s, "users.info", json!({"user": "U0NOBODY"}))["error"],
        "user_not_found"
    );
    assert_eq!(
        call(
            &s,
            "chat.postMessage",
            json!({"channel": "C0GENERAL", "text": "x"})
        )["error"],
        "channel_not_found"
    );
    assert_eq!(
        call(
            &s,
            "chat.update",
            json!({"channel": "U0ANA", "ts": "1.2", "text": "x"})
        )["error"],
        "message_not_found"
    );
    assert_eq!(
        call(&s, "reactions.add", json!({}))["error"],
        "unknown_method"
    );
    let posted = call(
        &s,
        "chat.postMessage",
        json!({"channel": "U0ANA", "blocks": [{"type": "divider"}]}),
    );
    assert_eq!(posted["channel"], "DU0ANA");
    assert!(
        posted["message"]["blocks"][0]["block_id"].is_string(),
        "Slack names every block"
    );
    assert_eq!(s.snapshot("U0ANA").entries.len(), 1);
}

#[test]
fn a_trusting_stand_in_takes_ids_it_never_issued() {
    let s = standin(Strictness::Trusting);
    let user = call(&s, "users.info", json!({"user": "U0NOBODY"}));
    assert_eq!(user["user"]["real_name"], "User U0NOBODY");
    assert_eq!(user["user"]["tz"], "UTC");
    let posted = call(
        &s,
        "chat.postMessage",
        json!({"channel": "C0GENERAL", "blocks": [{"type": "divider"}]}),
    );
    assert_eq!(posted["channel"], "C0GENERAL");
    assert_eq!(
        posted["message"]["blocks"],
        json!([{"type": "divider"}]),
        "blocks as sent"
    );
    assert_eq!(
        call(
            &s,
            "chat.update",
            json!({"channel": "C0GENERAL", "ts": "1.2", "text": "x"})
        )["ok"],
        true
    );
    assert_eq!(call(&s, "reactions.add", json!({})), json!({"ok": true}));
    let view = json!({"type": "modal", "title": {"type": "plain_text", "text": "Hi"}});
    assert_eq!(
        call(
            &s,
            "views.open",
            json!({"trigger_id": "1.2.made-up", "view": view})
        )["ok"],
        true
    );
}

#[test]
fn both_answer_a_configured_member_and_a_token_check() {
    for strictness in [Strictness::Slack, Strictness::Trusting] {
        let s = standin(strictness).with_token("xoxb-right");
        assert_eq!(s.call("auth.test", None, &json!({}))["error"], "not_authed");
        assert_eq!(
            s.call("auth.test", Some("Bearer xoxb-wrong"), &json!({}))["error"],
            "invalid_auth"
        );
        let ana = s.call(
            "users.info",
            Some("Bearer xoxb-right"),
            &json!({"user": "U0ANA"}),
        );
        assert_eq!(ana["user"]["tz"], "Europe/Lisbon");
        assert_eq!(ana["user"]["name"], "ana");
        let granted = s.call("oauth.v2.access", None, &json!({"code": "c"}));
        assert_eq!(granted["team"]["id"], "T0TEST");
        assert_eq!(granted["authed_user"]["id"], "U0ANA");
    }
}
