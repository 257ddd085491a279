//! Socket Mode: the same handlers, reached over a WebSocket from a fake Slack.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::fake_slack::FakeSlack;
use common::TestDb;
use followup::app::AppState;
use followup::clock::FixedClock;
use followup::domain::{RepRef, TouchStatus};
use followup::slack::api::SlackApi;
use followup::slack::signature::SigningSecret;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("an acknowledgement within 5 s")
            .expect("socket open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON");
        }
    }
}

async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_clicks_and_events_arrive_over_socket_mode_and_reconnect_on_request() {
    let db = TestDb::sqlite().await;
    let slack = FakeSlack::start().await;
    let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ws_url = format!("ws://{}/link/?ticket=abc", ws.local_addr().unwrap());
    slack.set_reply("apps.connections.open", json!({"ok": true, "url": ws_url}));
    let clock = Arc::new(FixedClock::new(common::at(2026, 11, 2, 14, 0)));
    let api = SlackApi::new(&slack.api_url(), Some("xoxb-bot".into())).unwrap();
    let state = AppState::new(
        db.store.clone(),
        clock,
        api,
        SigningSecret::new("unused"),
        chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
    );
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let client = tokio::spawn(followup::socket_mode::run(
        state,
        "xapp-1-A0FAKE-1-secret".into(),
        stop,
    ));

    let (tcp, _) = tokio::time::timeout(Duration::from_secs(5), ws.accept())
        .await
        .unwrap()
        .unwrap();
    let mut socket = tokio_tungstenite::accept_async(tcp).await.unwrap();
    let open = slack.calls_to("apps.connections.open");
    assert_eq!(
        open[0].bearer_token(),
        Some("xapp-1-A0FAKE-1-secret"),
        "the app-level token, not the bot token"
    );
    send(
        &mut socket,
        json!({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0FAKE"}}),
    )
    .await;

    // A slash command: the reply rides in the acknowledgement.
    send(&mut socket, json!({
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"token": "x", "team_id": "T1", "team_domain": "acme", "channel_id": "C1", "channel_name": "general",
            "user_id": "U1", "user_name": "alice", "command": "/followup", "text": "add Jane Doe company:Acme",
            "api_app_id": "A0FAKE", "is_enterprise_install": "false", "response_url": slack.response_url("sm"), "trigger_id": "1.2.3"},
    })).await;
    let ack = next_json(&mut socket).await;
    assert_eq!(ack["envelope_id"], "env-1");
    let text = common::app::reply_text(&ack["payload"]);
    assert!(text.contains("Added *Jane Doe* · Acme"), "{ack}");
    let rep = RepRef::new("T1", "U1");
    let jane = db
        .store
        .find_prospects(&rep, "jane", false, 5)
        .await
        .unwrap()
        .remove(0);
    let state = db
        .store
        .prospect_state(&rep, jane.id)
        .await
        .unwrap()
        .unwrap();
    let touch = state.touches[0].id;

    // A click: stored, acknowledged, and the message updated through response_url.
    send(&mut socket, json!({
        "envelope_id": "env-2", "type": "interactive", "accepts_response_payload": false,
        "payload": {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "response_url": slack.response_url("sm"),
            "actions": [{"action_id": "touch_done", "block_id": format!("act.{touch}"), "value": format!("{}.{touch}", jane.id), "type": "button"}]},
    })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-2"})
    );
    let state = db
        .store
        .prospect_state(&rep, jane.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.touches[0].status, TouchStatus::Done);
    slack
        .wait_for(
            &FakeSlack::response_url_method("sm"),
            1,
            Duration::from_secs(5),
        )
        .await;

    // An event, and a malformed envelope: both acknowledged, nothing breaks.
    send(&mut socket, json!({"envelope_id": "env-3", "type": "events_api", "retry_attempt": 0,
        "payload": {"type": "event_callback", "team_id": "T1", "event": {"type": "app_home_opened", "user": "U1"}}})).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-3"})
    );
    send(&mut socket, json!({"envelope_id": "env-4", "type": "interactive", "payload": {"type": "block_actions"}})).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-4"})
    );

    // Slack asks for a reconnect: a fresh URL, a fresh socket.
    send(
        &mut socket,
        json!({"type": "disconnect", "reason": "refresh_requested"}),
    )
    .await;
    let (tcp, _) = tokio::time::timeout(Duration::from_secs(5), ws.accept())
        .await
        .unwrap()
        .unwrap();
    let mut again = tokio_tungstenite::accept_async(tcp).await.unwrap();
    assert_eq!(slack.count("apps.connections.open"), 2);
    send(&mut again, json!({"type": "hello"})).await;
    send(
        &mut again,
        json!({"envelope_id": "env-5", "type": "slash_commands",
        "payload": {"team_id": "T1", "user_id": "U1", "command": "/followup", "text": "list"}}),
    )
    .await;
    let ack = next_json(&mut again).await;
    assert!(
        common::app::reply_text(&ack["payload"]).contains("Your pipeline (1)"),
        "{ack}"
    );

    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), client)
        .await
        .expect("stops when told")
        .unwrap();
    db.finish().await;
}
